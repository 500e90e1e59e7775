using Microsoft.AspNetCore.Http;

namespace T1.Server.Security;

/// <summary>The client's address for logs and limits (the proxy's <c>X-Forwarded-For</c> when it is a trusted proxy).</summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
