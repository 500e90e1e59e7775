using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace T1.Workflows.Definitions;

/// <summary>
/// Turns YAML values into JSON values with the YAML 1.2 core schema: plain <c>7</c> is an
/// integer, <c>0.5</c> a number, <c>true</c> a boolean, <c>~</c> or nothing null; quoted text is
/// always a string (so <c>"7"</c> stays text and <c>yes</c> is text, not a boolean).
/// </summary>
internal static partial class YamlValues
{
    public static JsonNode? ToJson(YNode node) => node switch
    {
        YScalar s => Scalar(s),
        YSequence seq => new JsonArray(seq.Items.Select(ToJson).ToArray()),
        YMapping map => ToObject(map),
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    public static JsonObject ToObject(YMapping map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Entries) obj[k.Value] = ToJson(v);
        return obj;
    }

    public static JsonNode? Scalar(YScalar s) => s.Tag switch
    {
        null when s.IsPlain => PlainScalar(s.Value),
        "tag:yaml.org,2002:str" or null => JsonValue.Create(s.Value),
        "tag:yaml.org,2002:null" => null,
        _ => PlainScalar(s.Value),
    };

    /// <summary>The typed value of an unquoted scalar (also used for `--param` overrides).</summary>
    public static JsonNode? PlainScalar(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
