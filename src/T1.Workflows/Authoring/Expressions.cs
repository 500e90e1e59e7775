using System.Text.Json.Nodes;
using T1.Workflows.Definitions.Expressions;

namespace T1.Workflows.Authoring;

/// <summary>Finds and rewrites <c>${{ steps.X.outputs.Y }}</c> references inside `with:` values, at any depth.</summary>
internal static class Expressions
{
    /// <summary>A copy of <paramref name="value"/> with references to steps renamed by <paramref name="rename"/>; the same node when nothing changed.</summary>
    public static JsonNode? RenameSteps(JsonNode? value, Func<string, string?> rename)
    {
        switch (value)
        {
            case JsonValue v when v.TryGetValue<string>(out var s) && Template.HasExpression(s):
                var rewritten = string.Concat(Template.Split(s).Select(p =>
                    p.Reference is { Kind: ReferenceKind.StepOutput, StepId: { } id } && rename(id) is { } to && to != id
                        ? p.Text.Replace($"steps.{id}.", $"steps.{to}.", StringComparison.Ordinal) : p.Text));
                return rewritten == s ? value : JsonValue.Create(rewritten);
            case JsonArray arr:
                var items = arr.Select(i => RenameSteps(i, rename)).ToList();
                return items.Zip(arr).All(p => ReferenceEquals(p.First, p.Second)) ? value
                    : new JsonArray(items.Select(i => i is null ? null : ReferenceEquals(i.Parent, null) ? i : i.DeepClone()).ToArray());
            case JsonObject obj:
                var entries = obj.Select(e => (e.Key, Value: RenameSteps(e.Value, rename))).ToList();
                if (entries.Zip(obj).All(p => ReferenceEquals(p.First.Value, p.Second.Value))) return value;
                var copy = new JsonObject();
                foreach (var (k, v) in entries) copy[k] = v?.Parent is null ? v : v.DeepClone();
                return copy;
            default:
                return value;
        }
    }

    /// <summary>Whether <paramref name="value"/> is exactly one reference to an output of <paramref name="stepId"/>.</summary>
    public static bool IsWholeReferenceTo(JsonNode? value, string stepId) =>
        value is JsonValue v && v.TryGetValue<string>(out var s)
        && Template.Whole(s) is { Reference: { Kind: ReferenceKind.StepOutput } r } && r.StepId == stepId;

    /// <summary>The text of a reference to an output.</summary>
    public static string OutputReference(string stepId, string output) => $"${{{{ steps.{stepId}.outputs.{output} }}}}";
}
