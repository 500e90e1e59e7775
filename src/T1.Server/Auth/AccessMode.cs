using System.Net;

namespace T1.Server.Auth;

/// <summary>Whether this server requires sign-in, decided once from the listen addresses and <see cref="AuthOptions"/>.</summary>
public sealed record AccessMode(bool Open, string Description)
{
    /// <summary>Open only when every listen address is loopback and <see cref="AuthOptions.RequireLogin"/> is off.</summary>
    public static AccessMode For(AuthOptions options, string urls)
    {
        if (!options.RequireLogin && AllLoopback(urls))
            return new AccessMode(true, "access OPEN without sign-in (loopback only; set T1__Auth__RequireLogin=true to require it)");
        var hosts = new Security.AllowedHosts(options.AllowedHosts);
        return new AccessMode(false, "sign-in required (portal: /login; scripts: X-Api-Key header) · "
            + (hosts.Any ? "answers any host name (set T1__Auth__AllowedHosts)" : $"answers only {hosts}"));
    }

    public static bool AllLoopback(string urls)
    {
        var parts = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 && parts.All(IsLoopback);
    }

    private static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[1..rest.IndexOf(']')] : rest.Split(':', '/')[0];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
