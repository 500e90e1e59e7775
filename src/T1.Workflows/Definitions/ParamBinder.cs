using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Workflows.Definitions;

/// <summary>
/// The params of one run: the workflow's defaults with `--param NAME=VALUE` overrides applied.
/// An override takes the JSON kind of the default it replaces ("9" for an integer default is the
/// integer 9, and a param whose default is an artifact reference takes only an artifact reference); a param
/// whose default is null takes the YAML reading of the text. Params that would make a
/// training step read one of the workflow's evaluation sources are refused (the message names the step).
/// </summary>
public static class ParamBinder
{
    public static JsonObject Bind(WorkflowDefinition definition, IReadOnlyDictionary<string, string> overrides) =>
        RefuseLeaks(definition, BindTexts(definition, overrides));

    private static JsonObject RefuseLeaks(WorkflowDefinition definition, JsonObject result)
    {
        if (Validation.TrainingDataLeaks.Find(definition, result) is { } leak)
            throw new WorkflowParamException(leak.Param ?? "", $"{definition.FileName}:{leak.Line}:{leak.Column}: {leak.Message}");
        return result;
    }

    private static JsonObject BindTexts(WorkflowDefinition definition, IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(overrides);
        foreach (var name in overrides.Keys.Where(k => !definition.Params.ContainsKey(k)))
            throw new WorkflowParamException(name, UnknownMessage(definition, name));
        var result = new JsonObject();
        foreach (var (name, defaultValue) in definition.Params)
            result[name] = overrides.TryGetValue(name, out var text) ? Convert(definition, name, defaultValue, text) : defaultValue?.DeepClone();
        return result;
    }

    /// <summary>
    /// Overrides as JSON values (the API's <c>"params"</c>): a string is read like a <c>--param</c> text; any other value
    /// must have the JSON kind of the param's default (an integer default takes an integer, a list default a list); a
    /// param whose default is null takes any value.
    /// </summary>
    public static JsonObject Bind(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(overrides);
        var texts = new Dictionary<string, string>();
        foreach (var (name, value) in overrides)
        {
            if (!definition.Params.TryGetValue(name, out var defaultValue)) throw new WorkflowParamException(name, UnknownMessage(definition, name));
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String) texts[name] = v.GetValue<string>();
            else if (!Fits(defaultValue, value))
                throw new WorkflowParamException(name, $"param '{name}' of workflow '{definition.Name}' must be {Expected(defaultValue!)} like its default {defaultValue!.ToJsonString()}, got {value?.ToJsonString() ?? "null"}");
        }
        var result = BindTexts(definition, texts);
        foreach (var (name, value) in overrides.Where(o => !texts.ContainsKey(o.Key))) result[name] = value?.DeepClone();
        return RefuseLeaks(definition, result);
    }

    private static bool Fits(JsonNode? defaultValue, JsonNode? value)
    {
        if (defaultValue is null) return true;
        var kind = defaultValue.GetValueKind();
        var actual = value?.GetValueKind() ?? JsonValueKind.Null;
        return kind switch
        {
            JsonValueKind.Number when defaultValue.AsValue().TryGetValue<long>(out _) =>
                actual == JsonValueKind.Number && double.TryParse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15,
            JsonValueKind.True or JsonValueKind.False => actual is JsonValueKind.True or JsonValueKind.False,
            _ => actual == kind,
        };
    }

    private static string Expected(JsonNode defaultValue) => defaultValue.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number when defaultValue.AsValue().TryGetValue<long>(out _) => "an integer",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Array => "a list",
        _ => "an object",
    };

    private static string UnknownMessage(WorkflowDefinition definition, string name)
    {
        var known = definition.Params.Keys.ToList();
        if (known.Count == 0) return $"unknown param '{name}': workflow '{definition.Name}' declares no params";
        var declared = $"declares: {string.Join(", ", known)}";
        return Suggestions.Closest(name, known) is { } closest
            ? $"unknown param '{name}'; did you mean '{closest}'? Workflow '{definition.Name}' {declared}"
            : $"unknown param '{name}'; workflow '{definition.Name}' {declared}";
    }

    private static JsonNode? Convert(WorkflowDefinition definition, string name, JsonNode? defaultValue, string text)
    {
        var kind = defaultValue?.GetValueKind();
        switch (kind)
        {
            case JsonValueKind.String:
                if (Steps.ArtifactRef.TryParse(defaultValue!.GetValue<string>(), out _) && !Steps.ArtifactRef.TryParse(text, out _))
                    throw Mismatch(definition, name, $"an artifact reference ({Steps.ArtifactRef.Prefix}<64 hex digits>, a sha256 from `t1 show RUN`)", defaultValue, text);
                return JsonValue.Create(text);
            case JsonValueKind.Number when defaultValue!.AsValue().TryGetValue<long>(out _):
                if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                throw Mismatch(definition, name, "an integer", defaultValue, text);
            case JsonValueKind.Number:
                if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
                throw Mismatch(definition, name, "a number", defaultValue!, text);
            case JsonValueKind.True or JsonValueKind.False:
                return text.Trim().ToLowerInvariant() switch
                {
                    "true" or "yes" or "on" or "1" => JsonValue.Create(true),
                    "false" or "no" or "off" or "0" => JsonValue.Create(false),
                    _ => throw Mismatch(definition, name, "true or false", defaultValue!, text),
                };
            case JsonValueKind.Array or JsonValueKind.Object:
                try
                {
                    var parsed = JsonNode.Parse(text);
                    if (parsed?.GetValueKind() == kind) return parsed;
                }
                catch (JsonException)
                {
                }
                throw Mismatch(definition, name, kind == JsonValueKind.Array ? "a JSON list like [1, 2]" : "a JSON object like {\"a\": 1}", defaultValue!, text);
            default:
                return YamlValues.PlainScalar(text);
        }
    }

    private static WorkflowParamException Mismatch(WorkflowDefinition definition, string name, string expected, JsonNode defaultValue, string text) =>
        new(name, $"param '{name}' of workflow '{definition.Name}' must be {expected} like its default {defaultValue.ToJsonString()}, got '{text}'");
}

/// <summary>A `--param` override the workflow cannot take; the message says what to write instead.</summary>
public sealed class WorkflowParamException(string param, string message) : Exception(message)
{
    public string Param { get; } = param;
}
