using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>What a declared <see cref="ValueKind"/> accepts, for literal values and for statically known expression kinds.</summary>
internal static class ValueKinds
{
    public static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "an integer",
        ValueKind.Number => "a number",
        ValueKind.Boolean => "true or false",
        ValueKind.Duration => "a duration like 30s, 5m or 2h",
        ValueKind.Artifact => "an artifact reference (t1://artifacts/<sha256>, usually a step output)",
        ValueKind.List => "a list",
        ValueKind.Object => "a mapping",
        _ => "text",
    };

    /// <summary>The kind of a JSON value (a param default); null when unknown (JSON null).</summary>
    public static ValueKind? Of(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => ValueKind.String,
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out _) ? ValueKind.Integer : ValueKind.Number,
        JsonValueKind.True or JsonValueKind.False => ValueKind.Boolean,
        JsonValueKind.Array => ValueKind.List,
        JsonValueKind.Object => ValueKind.Object,
        _ => null,
    };

    /// <summary>
    /// False only when a value of kind <paramref name="source"/> can never bind to <paramref name="target"/>.
    /// Text is left to run time for scalar targets: "5" may well be an integer.
    /// </summary>
    public static bool Fits(ValueKind source, ValueKind target, bool anyObject) => target switch
    {
        ValueKind.String => source is not (ValueKind.List or ValueKind.Object),
        ValueKind.Integer => source is ValueKind.Integer or ValueKind.String,
        ValueKind.Number => source is ValueKind.Integer or ValueKind.Number or ValueKind.String,
        ValueKind.Boolean => source is ValueKind.Boolean or ValueKind.String,
        ValueKind.Duration => source is ValueKind.Duration or ValueKind.Integer or ValueKind.Number or ValueKind.String,
        ValueKind.Artifact => source is ValueKind.Artifact or ValueKind.String,
        ValueKind.List => source is ValueKind.List,
        ValueKind.Object => anyObject || source is ValueKind.Object,
        _ => true,
    };

    /// <summary>Checks one literal scalar against a scalar kind; returns what is wrong, or null.</summary>
    public static string? CheckScalar(JsonNode node, ValueKind kind, StepInputDescriptor input)
    {
        var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();
        var got = $"got '{text}'";
        switch (kind)
        {
            case ValueKind.String:
                if (input.OneOf is { Count: > 0 } oneOf && !oneOf.Contains(text))
                    return $"must be one of {string.Join(", ", oneOf)}; {got}{Suggestions.DidYouMean(text, oneOf)}";
                if (input.Pattern is { } pattern && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
                    return input.PatternMessage ?? $"must match {pattern}, {got}";
                return null;
            case ValueKind.Integer:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    return $"must be an integer, {got}";
                if (IsInt(input) && l is < int.MinValue or > int.MaxValue)
                    return $"must be between {int.MinValue} and {int.MaxValue}, {got}";
                return Range(l, input, got);
            case ValueKind.Number:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                    return $"must be a number, {got}";
                return Range(d, input, got);
            case ValueKind.Boolean:
                return text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" ? null : $"must be true or false, {got}";
            case ValueKind.Duration:
                return Durations.TryParse(text, out _) ? null : $"must be {Describe(kind)}, {got}";
            case ValueKind.Artifact:
                return ArtifactRef.TryParse(text, out _) ? null : $"must be {Describe(kind)}, {got}";
            case ValueKind.List or ValueKind.Object:
                return AnyObject(input) ? null : $"must be {Describe(kind)}, {got}";
            default:
                return null;
        }
    }

    /// <summary>Inputs typed <see cref="JsonNode"/> take any value.</summary>
    public static bool AnyObject(StepInputDescriptor input) => input.Property.PropertyType == typeof(JsonNode);

    private static bool IsInt(StepInputDescriptor input) =>
        (Nullable.GetUnderlyingType(input.Property.PropertyType) ?? input.Property.PropertyType) == typeof(int);

    private static string? Range(double value, StepInputDescriptor input, string got)
    {
        var min = input.Minimum is { } a && a > int.MinValue ? a : (double?)null;
        var max = input.Maximum is { } b && b < int.MaxValue ? b : (double?)null;
        if ((min is null || value >= min) && (max is null || value <= max)) return null;
        return (min, max) switch
        {
            ({ } lo, { } hi) => $"must be between {F(lo)} and {F(hi)}, {got}",
            ({ } lo, null) => $"must be at least {F(lo)}, {got}",
            (null, { } hi) => $"must be at most {F(hi)}, {got}",
            _ => null,
        };
    }

    private static string F(double x) => x.ToString("G", CultureInfo.InvariantCulture);
}
