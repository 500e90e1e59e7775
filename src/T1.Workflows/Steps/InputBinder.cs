using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Workflows.Steps;

/// <summary>Binds resolved `with:` values to a handler's inputs record, by the declared names.</summary>
public static class InputBinder
{
    public static T Bind<T>(JsonObject inputs, string stepId) where T : class, new() => (T)Bind(typeof(T), inputs, stepId);

    /// <summary>Binds to an instance of <paramref name="inputsType"/> (which has a parameterless constructor).</summary>
    public static object Bind(Type inputsType, JsonObject inputs, string stepId)
    {
        var result = Activator.CreateInstance(inputsType)!;
        foreach (var p in inputsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<StepInputAttribute>() is null) continue;
            var name = StepCatalog.InputName(p);
            if (!inputs.TryGetPropertyValue(name, out var node) || node is null) continue;
            try
            {
                p.SetValue(result, Convert(node, p.PropertyType));
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or OverflowException)
            {
                throw new StepInputException(stepId, name, $"cannot read {node.ToJsonString()} as {Describe(p.PropertyType)}: {e.Message}");
            }
        }
        return result;
    }

    internal static object? Convert(JsonNode node, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(TimeSpan)) return Durations.Parse(ScalarText(node));
        if (t == typeof(string)) return ScalarText(node);
        if (t == typeof(int)) return int.Parse(ScalarText(node), NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (t == typeof(long)) return long.Parse(ScalarText(node), NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (t == typeof(double)) return double.Parse(ScalarText(node), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (t == typeof(float)) return float.Parse(ScalarText(node), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (t == typeof(bool)) return ScalarText(node).ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            var s => throw new FormatException($"'{s}' is not true or false"),
        };
        if (t == typeof(JsonObject)) return node.AsObject().DeepClone();
        if (t == typeof(JsonNode)) return node.DeepClone();
        if (t.IsArray && node is JsonArray arr)
        {
            var el = t.GetElementType()!;
            var a = Array.CreateInstance(el, arr.Count);
            for (var i = 0; i < arr.Count; i++) a.SetValue(Convert(arr[i] ?? throw new FormatException("null list item"), el), i);
            return a;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(List<>) || g == typeof(IReadOnlyList<>) || g == typeof(IList<>)) && node is JsonArray list)
        {
            var el = t.GetGenericArguments()[0];
            var l = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(el))!;
            foreach (var item in list) l.Add(Convert(item ?? throw new FormatException("null list item"), el));
            return l;
        }
        return node.Deserialize(t);
    }

    /// <summary>The text of a scalar node, whether it came as a JSON string, number or boolean.</summary>
    internal static string ScalarText(JsonNode node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => throw new FormatException("expected a single value, got a " + (node is JsonArray ? "list" : "mapping")),
    };

    private static string Describe(Type t) => (Nullable.GetUnderlyingType(t) ?? t) switch
    {
        var x when x == typeof(int) || x == typeof(long) => "an integer",
        var x when x == typeof(double) || x == typeof(float) => "a number",
        var x when x == typeof(bool) => "true/false",
        var x when x == typeof(TimeSpan) => "a duration like 30s, 5m or 1h",
        var x when x == typeof(string) => "text",
        var x => x.Name,
    };
}

/// <summary>A `with:` value that does not fit the step type's declared input.</summary>
public sealed class StepInputException(string stepId, string input, string problem)
    : Exception($"step '{stepId}': input '{input}' {problem}")
{
    public string StepId { get; } = stepId;
    public string Input { get; } = input;
}
