using Microsoft.AspNetCore.Http;

namespace T1.Server.Security;

/// <summary>
/// Refuses (403) a state-changing request that a browser sent from another site: every method but GET/HEAD/OPTIONS,
/// and the portal's live connection (<c>/_blazor</c>, WebSockets), whatever its content type and with or without a body.
/// A browser names the page's origin in <c>Origin</c> and tells <c>Sec-Fetch-Site</c>; either one saying "another site"
/// is refused. A script (curl, an API client) sends neither and passes on to authentication (its API key).
/// </summary>
internal sealed class CrossSiteGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!ChangesState(context) || CrossSiteReason(request) is not { } reason) return next(context);
        return Results.Problem(title: "Cross-site request refused",
            detail: $"{reason}; this server accepts changes only from its own pages ({OwnOrigin(request)}) or from scripts "
                + "that send no Origin header (with an API key when sign-in is required).",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
    }

    private static bool ChangesState(HttpContext context) =>
        !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        || context.Request.Path.StartsWithSegments("/_blazor")
        || context.WebSockets.IsWebSocketRequest;

    /// <summary>Why the request comes from another site, or null when it does not (or is not from a browser).</summary>
    internal static string? CrossSiteReason(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
            return $"the browser says it comes from another site (Sec-Fetch-Site: {site})";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !SameOrigin(uri, request))
            return $"it comes from the page of another origin (Origin: {origin})";
        return null;
    }

    private static bool SameOrigin(Uri origin, HttpRequest request) =>
        string.Equals(origin.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(origin.Host.Trim('[', ']'), HostName(request), StringComparison.OrdinalIgnoreCase)
        && origin.Port == (request.Host.Port ?? (request.IsHttps ? 443 : 80));

    private static string HostName(HttpRequest request) => request.Host.Host.Trim('[', ']');

    private static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
