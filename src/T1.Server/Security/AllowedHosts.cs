using Microsoft.AspNetCore.Http;

namespace T1.Server.Security;

/// <summary>
/// The host names of <see cref="Auth.AuthOptions.AllowedHosts"/>: <c>name</c> (any port), <c>name:port</c>,
/// <c>*.example.org</c> (sub-domains), <c>[::1]</c>; empty or <c>*</c> allows any.
/// </summary>
public sealed class AllowedHosts
{
    private readonly string[] _patterns;

    public AllowedHosts(string setting)
    {
        _patterns = setting.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant()).ToArray();
    }

    public bool Any => _patterns.Length == 0 || _patterns.Contains("*");

    /// <summary>The patterns, for the forwarded-headers middleware (null when any host is allowed).</summary>
    public IReadOnlyList<string>? Patterns => Any ? null : _patterns;

    public bool Allows(HostString host)
    {
        if (Any) return true;
        if (!host.HasValue) return false;
        var name = host.Host.ToLowerInvariant();
        return _patterns.Any(p => Matches(p, name, host.Port));
    }

    private static bool Matches(string pattern, string name, int? port)
    {
        var colon = pattern.LastIndexOf(':');
        var patternHost = pattern;
        if (colon > 0 && pattern.IndexOf(']', StringComparison.Ordinal) < colon)
        {
            if (!int.TryParse(pattern[(colon + 1)..], out var p) || p != port) return false;
            patternHost = pattern[..colon];
        }
        return patternHost.StartsWith("*.", StringComparison.Ordinal)
            ? name.EndsWith(patternHost[1..], StringComparison.Ordinal)
            : name == patternHost;
    }

    public override string ToString() => Any ? "any" : string.Join(";", _patterns);
}
