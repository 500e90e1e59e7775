using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using T1.Server.Portal.Charts;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Portal.Comparison;

/// <summary>
/// What the compare page knows of one run: its settings (bound params, each step's <c>uses</c> and <c>with:</c> values
/// as the step received them), the last value of every metric, and which metrics declare a direction.
/// </summary>
public sealed record CompareRun(
    RunDetails Details,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, double> LastValues,
    IReadOnlyDictionary<string, MetricGoal> Goals)
{
    public string Id => Details.Run.Id;
    public string Workflow => Details.Run.WorkflowName;

    /// <param name="definition">the run's workflow version, or null when it is gone.</param>
    /// <param name="metrics">the run's metrics, keyed "step · key" (the page's chart keys).</param>
    public static CompareRun Of(RunDetails details, WorkflowDefinition? definition, IReadOnlyDictionary<string, IReadOnlyList<ChartPoint>> metrics, StepCatalog catalog)
    {
        var settings = new Dictionary<string, string> { ["workflow"] = $"{details.Run.WorkflowName} v{details.Run.DefinitionVersion}" };
        if (JsonNode.Parse(details.Run.ParamsJson) is JsonObject p)
            foreach (var (k, v) in p) settings[$"params.{k}"] = Text(v);
        foreach (var s in definition?.Steps ?? [])
        {
            settings[$"steps.{s.Id}.uses"] = s.Uses;
            // The inputs the step received, expressions resolved (`${{ params.lr }}` → 0.001); the text as written
            // for a step that never started, marked so.
            var received = details.Steps.FirstOrDefault(r => r.StepId == s.Id)?.InputsJson is { } json && JsonNode.Parse(json) is JsonObject inputs ? inputs : null;
            foreach (var (k, v) in s.With)
                settings[$"steps.{s.Id}.with.{k}"] = received is not null && received.TryGetPropertyValue(k, out var r) ? Text(r) : Text(v) + " (not resolved: the step did not start)";
        }
        var last = new Dictionary<string, double>();
        foreach (var (key, points) in metrics)
            if (points.LastOrDefault(x => double.IsFinite(x.Y)) is { } point && points.Any(x => double.IsFinite(x.Y))) last[key] = point.Y;
        var goals = new Dictionary<string, MetricGoal>();
        var types = details.Steps.ToDictionary(s => s.StepId, s => s.StepType);
        foreach (var key in metrics.Keys)
        {
            var (step, metric) = Split(key);
            if (types.TryGetValue(step, out var type) && MetricDirection.Of(catalog, type, metric) is { } goal) goals[key] = goal;
        }
        return new CompareRun(details, settings, last, goals);
    }

    /// <summary>"sft · loss" → ("sft", "loss").</summary>
    public static (string Step, string Metric) Split(string key)
    {
        var i = key.IndexOf(" · ", StringComparison.Ordinal);
        return i < 0 ? ("", key) : (key[..i], key[(i + 3)..]);
    }

    /// <summary>A JSON value as a person reads it: strings without quotes, numbers as written.</summary>
    private static string Text(JsonNode? v) => v switch
    {
        null => "null",
        JsonValue j when j.GetValueKind() == JsonValueKind.String => j.GetValue<string>(),
        JsonValue j when j.GetValueKind() == JsonValueKind.Number => j.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
        _ => v.ToJsonString(),
    };
}
