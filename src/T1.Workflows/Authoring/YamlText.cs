using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using T1.Workflows.Definitions;

namespace T1.Workflows.Authoring;

/// <summary>
/// Writes values as YAML in one house style: block mappings, flow lists of scalars
/// (<c>[32, 64]</c>), <c>retry</c> as a flow mapping, text plain when it reads back as the same
/// text and double-quoted otherwise (expressions always quoted).
/// </summary>
internal static partial class YamlText
{
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Keys whose mapping value is written on one line.</summary>
    private static readonly HashSet<string> FlowKeys = ["retry"];

    /// <summary>Appends <c>key: value</c> at <paramref name="indent"/> spaces.</summary>
    public static void Entry(string key, JsonNode? value, int indent, List<string> lines)
    {
        var pad = new string(' ', indent);
        var k = Key(key);
        switch (value)
        {
            case JsonObject { Count: > 0 } obj when FlowKeys.Contains(key) && obj.All(e => IsScalar(e.Value)):
                lines.Add($"{pad}{k}: {Flow(obj)}");
                break;
            case JsonObject { Count: > 0 } obj:
                lines.Add($"{pad}{k}:");
                foreach (var (ck, cv) in obj) Entry(ck, cv, indent + 2, lines);
                break;
            case JsonArray arr when arr.Count > 0 && !arr.All(IsScalar):
                lines.Add($"{pad}{k}:");
                foreach (var item in arr) Item(item, indent + 2, lines);
                break;
            default:
                lines.Add($"{pad}{k}: {Inline(value)}");
                break;
        }
    }

    /// <summary>Appends one <c>- item</c> of a block list, its dash at <paramref name="indent"/> spaces.</summary>
    public static void Item(JsonNode? value, int indent, List<string> lines)
    {
        var pad = new string(' ', indent);
        if (value is JsonObject { Count: > 0 } obj)
        {
            var start = lines.Count;
            foreach (var (k, v) in obj) Entry(k, v, indent + 2, lines);
            lines[start] = pad + "- " + lines[start][(indent + 2)..];
            return;
        }
        if (value is JsonArray arr && arr.Count > 0 && !arr.All(IsScalar))
        {
            lines.Add(pad + "-");
            foreach (var item in arr) Item(item, indent + 2, lines);
            return;
        }
        lines.Add($"{pad}- {Inline(value)}");
    }

    /// <summary>A value on one line: scalars, flow lists of scalars, empty collections.</summary>
    public static string Inline(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject obj => Flow(obj),
        JsonArray arr => "[" + string.Join(", ", arr.Select(Inline)) + "]",
        JsonValue v => Scalar(v),
        _ => Quote(value.ToJsonString()),
    };

    private static string Flow(JsonObject obj) =>
        obj.Count == 0 ? "{}" : "{ " + string.Join(", ", obj.Select(e => $"{Key(e.Key)}: {Inline(e.Value)}")) + " }";

    private static bool IsScalar(JsonNode? node) => node is null or JsonValue;

    private static string Scalar(JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.True: return "true";
            case JsonValueKind.False: return "false";
            case JsonValueKind.Number:
                return Number(v);
            case JsonValueKind.String: return Text(v.GetValue<string>());
            default: return v.ToJsonString();
        }
    }

    /// <summary>A number as JSON writes it; a fractional type keeps a '.' so that YAML reads it back as a number, not an integer.</summary>
    private static string Number(JsonValue v)
    {
        if (v.TryGetValue<JsonElement>(out var element)) return element.GetRawText();
        double? d = v.TryGetValue<double>(out var x) ? x : v.TryGetValue<float>(out var f) ? f
            : v.TryGetValue<decimal>(out var m) ? (double)m : null;
        if (d is not { } fraction) return v.ToJsonString();
        var text = fraction.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') || text.Contains('e') ? text : text + ".0";
    }

    /// <summary>Text plain when YAML reads it back as the same text, double-quoted otherwise.</summary>
    public static string Text(string s) =>
        Plain().IsMatch(s) && !s.EndsWith(' ') && YamlValues.PlainScalar(s) is JsonValue v
        && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == s
            ? s : Quote(s);

    private static string Key(string key) => PlainKey().IsMatch(key) ? key : Quote(key);

    private static string Quote(string s) => JsonSerializer.Serialize(s, Quoting);

    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_ ./@+=-]*$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
    private static partial Regex PlainKey();
}
