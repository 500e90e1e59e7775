using System.Text.Json.Nodes;
using T1.Workflows.Definitions.Expressions;
using T1.Workflows.Definitions.Validation;
using T1.Workflows.Steps;
using YamlDotNet.Core;

namespace T1.Workflows.Authoring;

/// <summary>
/// The text a property form shows for a `with:` value, and the value a typed text stands for.
/// Text, artifact and duration inputs take the text as it is (<c>7</c> stays text); other inputs read
/// it as a YAML value (<c>32</c>, <c>0.5</c>, <c>true</c>, <c>[32, 64]</c>, <c>{ a: 1 }</c>).
/// Expressions are always text. Whatever does not parse is kept as text, for the validator to report.
/// </summary>
public static class InputText
{
    public static string Format(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value is null ? "" : YamlText.Inline(value);

    public static JsonNode? Parse(string text, StepInputDescriptor input)
    {
        ArgumentNullException.ThrowIfNull(text);
        var literal = input.Kind is ValueKind.String or ValueKind.Artifact or ValueKind.Duration && !ValueKinds.AnyObject(input);
        return literal || Template.HasExpression(text) ? JsonValue.Create(text) : ParseValue(text);
    }

    /// <summary>The value <paramref name="text"/> stands for in YAML (a param default, say); text when it does not parse.</summary>
    public static JsonNode? ParseValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Template.HasExpression(text)) return JsonValue.Create(text);
        try
        {
            var node = SourceTree.Parse(text, out _);
            return node is null ? JsonValue.Create(text) : node.ToJson();
        }
        catch (YamlException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>The declared default as the form shows it (a placeholder), or "" when there is none.</summary>
    public static string Default(StepInputDescriptor input) => input.DefaultValue switch
    {
        null => "",
        bool b => b ? "true" : "false",
        TimeSpan t => Durations.Format(t),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object>()) + "]",
        var other => other.ToString() ?? "",
    };
}
