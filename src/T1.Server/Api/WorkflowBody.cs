using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace T1.Server.Api;

/// <summary>
/// Reads the workflow of <c>POST /api/definitions</c> and <c>/definitions/validate</c>: the YAML text as
/// <c>application/yaml</c> (or <c>text/yaml</c>), or <c>{"workflow": "&lt;YAML&gt;"}</c> as <c>application/json</c>.
/// Other types are refused: <c>text/plain</c> and forms are what any web page can send without asking.
/// </summary>
internal static class WorkflowBody
{
    private static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    public static async Task<(string Text, string File, IResult? Refused)> ReadAsync(HttpRequest request)
    {
        var file = request.Query["file"].FirstOrDefault() ?? "request.yaml";
        var type = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value ?? "" : "";
        string? text;
        if (YamlTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body);
            text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        }
        else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                text = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("workflow", out var w) && w.ValueKind == JsonValueKind.String
                    ? w.GetString() : null;
            }
            catch (JsonException) { text = null; }
            if (text is null) return ("", file, ApiErrors.Problem("Bad workflow request", "send {\"workflow\": \"<YAML text>\"} as application/json, or the YAML itself as application/yaml."));
        }
        else
        {
            return ("", file, ApiErrors.Problem("Unsupported content type",
                $"send the workflow as Content-Type: application/yaml (the YAML text) or application/json ({{\"workflow\": \"<YAML text>\"}}), not '{(type.Length == 0 ? "none" : type)}'.",
                StatusCodes.Status415UnsupportedMediaType));
        }
        return string.IsNullOrWhiteSpace(text)
            ? ("", file, ApiErrors.Problem("Empty workflow", "the request body must be the workflow YAML."))
            : (text, file, null);
    }
}
