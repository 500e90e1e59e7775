using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace T1.Server.Serving;

/// <summary>Errors as OpenAI writes them: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public static class OpenAiErrors
{
    public static async Task WriteAsync(HttpResponse response, int status, string type, string? code, string? param, string message, TimeSpan? retryAfter = null)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is { } after) response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await response.WriteAsync(Json(type, code, param, message));
    }

    public static Task WriteAsync(HttpResponse response, ServingException e) =>
        WriteAsync(response, e.Status, e.Type, e.Code, e.Param, e.Message, e.RetryAfter);

    /// <summary>The error object as JSON text (also sent as a server-sent event when a stream fails).</summary>
    public static string Json(string type, string? code, string? param, string message) =>
        JsonSerializer.Serialize(new { error = new { message, type, param, code } });

    /// <summary>
    /// Gives 401, 403 and 404 answers under /v1 that have no body yet (authentication, authorization, unknown path)
    /// the error shape OpenAI clients parse.
    /// </summary>
    public static async Task ShapeStatusAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (!context.Request.Path.StartsWithSegments("/v1") || context.Response.HasStarted) return;
        switch (context.Response.StatusCode)
        {
            case StatusCodes.Status401Unauthorized:
                await WriteAsync(context.Response, 401, "authentication_error", "invalid_api_key", null,
                    "no valid API key: send one as `Authorization: Bearer t1_…` (admins create keys with `t1 keys create NAME --role viewer`)");
                break;
            case StatusCodes.Status403Forbidden:
                await WriteAsync(context.Response, 403, "permission_error", null, null, "this API key's role may not call this endpoint");
                break;
            case StatusCodes.Status404NotFound:
                await WriteAsync(context.Response, 404, "invalid_request_error", "unknown_url", null,
                    $"unknown URL {context.Request.Method} {context.Request.Path}; the API has GET /v1/models and POST /v1/chat/completions");
                break;
            case StatusCodes.Status405MethodNotAllowed:
                await WriteAsync(context.Response, 405, "invalid_request_error", "method_not_allowed", null,
                    $"{context.Request.Method} is not allowed on {context.Request.Path}");
                break;
        }
    }
}
