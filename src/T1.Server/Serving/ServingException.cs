using Microsoft.AspNetCore.Http;

namespace T1.Server.Serving;

/// <summary>A request the /v1 API refuses, answered in OpenAI's error shape with <see cref="Status"/>.</summary>
public sealed class ServingException(int status, string type, string? code, string? param, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>400 invalid_request_error about <paramref name="param"/>.</summary>
    public static ServingException Invalid(string? param, string message, string? code = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_request_error", code, param, message);
}
