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

    /// <summary>The host parts of the patterns (ports left out), for the forwarded-headers middleware; null when any host is allowed.</summary>
    public IReadOnlyList<string>? HostPatterns => Any ? null : _patterns.Select(p => Split(p).Host).Distinct().ToList();

    public bool Allows(HostString host)
    {
        if (Any) return true;
        if (!host.HasValue) return false;
        var name = host.Host.ToLowerInvariant();
        return _patterns.Any(p => Matches(p, name, host.Port));
    }

    private static bool Matches(string pattern, string name, int? port)
    {
        var (patternHost, patternPort) = Split(pattern);
        if (patternPort is not null && patternPort != port) return false;
        return patternHost.StartsWith("*.", StringComparison.Ordinal)
            ? name.EndsWith(patternHost[1..], StringComparison.Ordinal)
            : name == patternHost;
    }

    /// <summary>"name:port" into its parts ("[::1]:80" too); a port that is not a number keeps the text whole (it then matches nothing).</summary>
    private static (string Host, int? Port) Split(string pattern)
    {
        var colon = pattern.LastIndexOf(':');
        if (colon <= 0 || pattern.IndexOf(']', StringComparison.Ordinal) > colon || (pattern.Count(c => c == ':') > 1 && !pattern.StartsWith('['))) return (pattern, null);
        return int.TryParse(pattern[(colon + 1)..], out var port) ? (pattern[..colon], port) : (pattern, -1);
    }

    public override string ToString() => Any ? "any" : string.Join(";", _patterns);
}
