using System.Text.Json;

namespace T1.Ml.Tasks;

/// <summary>Reading fields from one JSONL line, with errors that name the file/line and the fields present.</summary>
internal static class JsonlFields
{
    public static JsonDocument Parse(string line, string where)
    {
        try
        {
            var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
            throw new FormatException($"{where}: expected a JSON object, got {doc.RootElement.ValueKind}");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: not valid JSON ({e.Message})", e);
        }
    }

    public static string Required(JsonElement root, string field, string where)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            var present = string.Join(", ", root.EnumerateObject().Select(p => p.Name));
            throw new FormatException($"{where}: missing field '{field}' (fields present: {present})");
        }
        return Text(value) ?? throw new FormatException($"{where}: field '{field}' is {value.ValueKind}, expected a string or number");
    }

    /// <summary>A string's value or a number's raw text; null for objects, arrays, null.</summary>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}
