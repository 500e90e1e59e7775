using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Workflows.Engine;

/// <summary>Reads a member of a step run's inputs or outputs JSON.</summary>
public static class StepJson
{
    /// <summary>One JSON object's member as text; null when absent or not JSON.</summary>
    public static string? Member(string? json, string name)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonNode.Parse(json) is JsonObject o && o[name] is { } v
                ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
                : null;
        }
        catch (JsonException) { return null; }
    }
}
