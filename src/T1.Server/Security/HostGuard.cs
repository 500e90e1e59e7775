using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using T1.Server.Auth;

namespace T1.Server.Security;

/// <summary>
/// Answers 400 before any endpoint runs when the <c>Host</c> header is not one of this server's names. Open mode
/// answers only to <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> on its own port (so a web page cannot reach it
/// through DNS rebinding), and refuses requests forwarded by a proxy (it would be open to whoever the proxy serves);
/// with sign-in required, <see cref="AuthOptions.AllowedHosts"/> decides.
/// </summary>
internal sealed class HostGuard(RequestDelegate next, AccessMode mode, AllowedHosts allowed, IServer server)
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];
    private static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded"];
    private int[]? _ports;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (mode.Open && ForwardingHeaders.FirstOrDefault(h => request.Headers.ContainsKey(h)) is { } header)
            return Refuse(context, "Forwarded request refused",
                $"this server runs open (no sign-in) because it listens on loopback, and refuses requests forwarded by a proxy ({header} header): "
                + "behind a proxy it would be open to everyone the proxy serves. To serve through a reverse proxy, require sign-in (T1__Auth__RequireLogin=true).");
        if (mode.Open ? IsOwnLoopbackName(request) : allowed.Allows(request.Host)) return next(context);
        var host = request.Host.HasValue ? request.Host.Value : "(none)";
        return Refuse(context, "Unknown host", mode.Open
            ? $"host '{host}' is not this server: a server that runs open answers only to localhost, 127.0.0.1 and [::1] on port {string.Join("/", Ports())}, "
              + $"so that other web sites cannot reach it (DNS rebinding). Open http://127.0.0.1:{Ports().FirstOrDefault()}/ instead, "
              + "or require sign-in (T1__Auth__RequireLogin=true) and list this name in T1__Auth__AllowedHosts."
            : $"host '{host}' is not one of this server's names ({allowed}); if it should be, add it to T1__Auth__AllowedHosts.");
    }

    private bool IsOwnLoopbackName(HttpRequest request)
    {
        if (!request.Host.HasValue || !LoopbackNames.Contains(request.Host.Host, StringComparer.OrdinalIgnoreCase)) return false;
        var ports = Ports();
        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return ports.Length == 0 || ports.Contains(port);
    }

    /// <summary>The ports this server listens on (known once it has started; port 0 in a URL means "any free one").</summary>
    private int[] Ports()
    {
        if (_ports is { Length: > 0 }) return _ports;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var ports = addresses.Select(a => Uri.TryCreate(a.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var u) ? u.Port : 0)
            .Where(p => p > 0).Distinct().ToArray();
        if (ports.Length > 0) _ports = ports;
        return ports;
    }

    private static Task Refuse(HttpContext context, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
}
