using System.Text;

namespace T1.Server.Tests.Security;

/// <summary>Requests as a hostile web page (or a DNS-rebound name) would send them.</summary>
public static class Requests
{
    public const string Evil = "http://evil.example";

    public static HttpRequestMessage Post(string path, string? body = null, string contentType = "text/plain", string? origin = null, string? host = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, contentType),
        };
        return With(request, origin, host, fetchSite);
    }

    public static HttpRequestMessage Get(string path, string? host = null) => With(new HttpRequestMessage(HttpMethod.Get, path), null, host, null);

    public static HttpRequestMessage With(HttpRequestMessage request, string? origin, string? host, string? fetchSite)
    {
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (host is not null) request.Headers.Host = host;
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }
}
