using System.Text;
using System.Text.Json.Nodes;

namespace T1.Workflows.Definitions.Expressions;

/// <summary>
/// Replaces <c>${{ }}</c> expressions in `with:` values. A string that is exactly one expression
/// becomes the referenced value with its type (an integer stays an integer, a list a list); text
/// with embedded expressions stays text. Lists and mappings are resolved deeply.
/// </summary>
public static class ExpressionResolver
{
    /// <summary>
    /// A resolved deep copy of <paramref name="value"/>. <paramref name="stepOutput"/> returns null
    /// when the step has no such output (yet); that, a param missing from <paramref name="params"/>,
    /// or a malformed expression throws an <see cref="ExpressionException"/> naming the expression.
    /// </summary>
    public static JsonNode? Resolve(JsonNode? value, JsonObject @params, Func<string, string, JsonNode?> stepOutput)
    {
        ArgumentNullException.ThrowIfNull(@params);
        ArgumentNullException.ThrowIfNull(stepOutput);
        switch (value)
        {
            case null:
                return null;
            case JsonArray array:
                return new JsonArray(array.Select(item => Resolve(item, @params, stepOutput)).ToArray());
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (k, v) in obj) result[k] = Resolve(v, @params, stepOutput);
                return result;
            case JsonValue v when v.TryGetValue<string>(out var text) && Template.HasExpression(text):
                return ResolveText(text, @params, stepOutput);
            default:
                return value.DeepClone();
        }
    }

    /// <summary>Every well-formed expression in <paramref name="value"/>, in order (malformed ones are skipped).</summary>
    public static IReadOnlyList<ExpressionReference> References(JsonNode? value)
    {
        var found = new List<ExpressionReference>();
        var stack = new Stack<JsonNode?>();
        stack.Push(value);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case JsonArray a:
                    for (var i = a.Count - 1; i >= 0; i--) stack.Push(a[i]);
                    break;
                case JsonObject o:
                    foreach (var child in o.Select(p => p.Value).Reverse()) stack.Push(child);
                    break;
                case JsonValue v when v.TryGetValue<string>(out var text) && Template.HasExpression(text):
                    found.AddRange(Template.Split(text).Where(p => p.Reference is not null).Select(p => p.Reference!));
                    break;
            }
        }
        return found;
    }

    private static JsonNode? ResolveText(string text, JsonObject @params, Func<string, string, JsonNode?> stepOutput)
    {
        if (Template.Whole(text) is { } whole)
            return Lookup(whole, @params, stepOutput)?.DeepClone();
        var sb = new StringBuilder();
        foreach (var part in Template.Split(text))
            sb.Append(part.IsLiteral ? part.Text : AsText(Lookup(part, @params, stepOutput)));
        return JsonValue.Create(sb.ToString());
    }

    private static JsonNode? Lookup(TemplatePart part, JsonObject @params, Func<string, string, JsonNode?> stepOutput)
    {
        var r = part.Reference ?? throw new ExpressionException(part.Text, part.Error!);
        if (r.Kind == ReferenceKind.Param)
            return @params.TryGetPropertyValue(r.Name, out var p) ? p
                : throw new ExpressionException(r.Text, $"cannot resolve '{r.Text}': the run has no param '{r.Name}'");
        return stepOutput(r.StepId!, r.Name)
            ?? throw new ExpressionException(r.Text, $"cannot resolve '{r.Text}': step '{r.StepId}' has no output '{r.Name}' (did it finish?)");
    }

    /// <summary>How a value reads inside text: strings as they are, anything else as compact JSON, null as nothing.</summary>
    private static string AsText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
