using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Workflows.Authoring;

/// <summary>
/// Converts between a <see cref="WorkflowDocument"/> and the mapping it is written as. Keys come
/// out in one canonical order (id, uses, needs, queue, retry, cache, timeout, with); the
/// <see cref="YamlPatcher"/> keeps a file's own order for keys it already had.
/// </summary>
internal static class DocumentJson
{
    public static JsonObject ToJson(WorkflowDocument doc)
    {
        var obj = new JsonObject { ["name"] = doc.Name };
        if (doc.Description is not null) obj["description"] = doc.Description;
        if (doc.Schedule is not null) obj["schedule"] = doc.Schedule;
        if (doc.Params.Length > 0) obj["params"] = Entries(doc.Params);
        obj["steps"] = new JsonArray(doc.Steps.Select(s => (JsonNode)ToJson(s)).ToArray());
        foreach (var u in doc.Unknown) obj[u.Name] = u.Value?.DeepClone();
        return obj;
    }

    public static JsonObject ToJson(StepNode step)
    {
        var obj = new JsonObject { ["id"] = step.Id, ["uses"] = step.Uses };
        if (step.Needs.Length > 0) obj["needs"] = new JsonArray(step.Needs.Select(n => (JsonNode?)n).ToArray());
        if (step.Queue is not null) obj["queue"] = step.Queue;
        if (step.Retry is { } retry)
        {
            var r = new JsonObject { ["attempts"] = retry.Attempts };
            if (retry.Backoff is not null) r["backoff"] = retry.Backoff;
            obj["retry"] = r;
        }
        if (step.Cache is { } cache) obj["cache"] = cache;
        if (step.Timeout is not null) obj["timeout"] = step.Timeout;
        if (step.With.Length > 0) obj["with"] = Entries(step.With);
        foreach (var u in step.Unknown) obj[u.Name] = u.Value?.DeepClone();
        return obj;
    }

    private static JsonObject Entries(IEnumerable<InputValue> values)
    {
        var obj = new JsonObject();
        foreach (var v in values) obj[v.Name] = v.Value?.DeepClone();
        return obj;
    }

    /// <summary>Reads a parsed file leniently: what does not fit the designer's shapes is kept as unknown keys.</summary>
    public static WorkflowDocument FromSource(SourceNode root)
    {
        if (root.Kind != SourceNodeKind.Mapping || root.IsFlow && root.Entries.Count == 0)
            throw new WorkflowEditException($"line {root.Line}: a workflow must be a mapping with 'name' and 'steps'");
        var doc = new WorkflowDocument();
        var unknown = ImmutableArray.CreateBuilder<InputValue>();
        foreach (var (key, value) in root.Entries)
        {
            switch (key.Value)
            {
                case "name" when Text(value) is { } name: doc = doc with { Name = name }; break;
                case "description" when IsScalar(value): doc = doc with { Description = Text(value) }; break;
                case "schedule" when IsScalar(value): doc = doc with { Schedule = Text(value) }; break;
                case "params" when value.Kind == SourceNodeKind.Mapping:
                    doc = doc with { Params = [.. value.Entries.Select(e => new InputValue(e.Key.Value!, e.Value.ToJson()))] };
                    break;
                case "params" when Text(value) is null: break;
                case "steps" when value.Kind == SourceNodeKind.Sequence:
                    doc = doc with { Steps = [.. value.Items.Select((item, i) => item.Kind == SourceNodeKind.Mapping ? ReadStep(item, i) : null).OfType<StepNode>()] };
                    break;
                default: unknown.Add(new InputValue(key.Value!, value.ToJson())); break;
            }
        }
        return doc with { Unknown = unknown.ToImmutable() };
    }

    private static StepNode ReadStep(SourceNode map, int index)
    {
        var step = new StepNode { Id = "", Uses = "", SourceIndex = index };
        var unknown = ImmutableArray.CreateBuilder<InputValue>();
        foreach (var (key, value) in map.Entries)
        {
            var k = key.Value!;
            StepNode? read = k switch
            {
                "id" when IsScalar(value) => step with { Id = value.Value! },
                "uses" when IsScalar(value) => step with { Uses = value.Value! },
                "needs" when Needs(value) is { } needs => step with { Needs = needs },
                "queue" when IsScalar(value) && Text(value) is { } q => step with { Queue = q },
                "retry" when Retry(value) is { } retry => step with { Retry = retry },
                "cache" when value.ToJson() is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => step with { Cache = v.GetValue<bool>() },
                "timeout" when IsScalar(value) && Text(value) is { } t => step with { Timeout = t },
                "with" when value.Kind == SourceNodeKind.Mapping => step with { With = [.. value.Entries.Select(e => new InputValue(e.Key.Value!, e.Value.ToJson()))] },
                "with" when Text(value) is null => step,
                _ => null,
            };
            if (read is null) unknown.Add(new InputValue(k, value.ToJson()));
            else step = read;
        }
        return step with { Unknown = unknown.ToImmutable() };
    }

    private static bool IsScalar(SourceNode node) => node.Kind == SourceNodeKind.Scalar;

    /// <summary>A scalar's text; null for a plain empty/~/null scalar or a collection.</summary>
    private static string? Text(SourceNode node) =>
        node.Kind != SourceNodeKind.Scalar ? null
        : node.ToJson() is null && node.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any ? null
        : node.Value;

    private static ImmutableArray<string>? Needs(SourceNode node)
    {
        if (node.Kind == SourceNodeKind.Scalar) return Text(node) is { } one ? [one] : [];
        if (node.Kind != SourceNodeKind.Sequence || node.Items.Any(i => i.Kind != SourceNodeKind.Scalar)) return null;
        return [.. node.Items.Select(i => i.Value!).Distinct(StringComparer.Ordinal)];
    }

    private static RetrySetting? Retry(SourceNode node)
    {
        if (node.Kind == SourceNodeKind.Scalar)
            return int.TryParse(node.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? new RetrySetting(n) : null;
        if (node.Kind != SourceNodeKind.Mapping || node.Entries.Any(e => e.Key.Value is not ("attempts" or "backoff"))) return null;
        var attempts = node["attempts"];
        var backoff = node["backoff"];
        if (attempts is null || attempts.Kind != SourceNodeKind.Scalar
            || !int.TryParse(attempts.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)) return null;
        if (backoff is not null && backoff.Kind != SourceNodeKind.Scalar) return null;
        return new RetrySetting(a, backoff?.Value);
    }
}
