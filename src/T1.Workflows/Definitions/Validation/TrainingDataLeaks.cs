using System.Text.Json;
using System.Text.Json.Nodes;
using T1.Workflows.Definitions.Expressions;
using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>
/// Refuses a workflow that trains on one of its own evaluation sources: an input declared
/// <see cref="DataRole.Training"/> (sft's dataset, rl's source and prompts) that names the same file
/// (after resolving params and making the path absolute), artifact or step output as an input declared
/// <see cref="DataRole.Evaluation"/> (evaluate's source and dataset). Checked by validation with the params'
/// defaults and again when a run's params are bound (<see cref="ParamBinder"/>), so a <c>--param</c> cannot
/// bring the leak back.
/// </summary>
internal static class TrainingDataLeaks
{
    /// <summary>One data input; <see cref="AtValue"/>: Line/Column are the value's (validation), else the step's (a stored definition).</summary>
    private sealed record DataUse(string Step, string Input, DataRole Role, string Raw, int Line, int Column, bool AtValue);

    /// <summary>One training input that reads evaluation data: the message, and the param to change when a param carries the value.</summary>
    public sealed record Leak(int Line, int Column, string Message, string? Param);

    /// <summary>Adds an error at each training input that reads one of the workflow's evaluation sources.</summary>
    public static void Validate(DraftWorkflow draft, DiagnosticBag bag)
    {
        var defaults = draft.Params.ToDictionary(p => p.Key.Value, p => YamlValues.ToJson(p.Value), StringComparer.Ordinal);
        var uses = new List<DataUse>();
        foreach (var step in draft.Steps)
        {
            if (step.Type is null || step.With is null) continue;
            foreach (var (key, value) in step.With.Entries)
            {
                if (step.Type.FindInput(key.Value) is { Data: not DataRole.None } input && value is YScalar scalar)
                    uses.Add(new DataUse(step.Id ?? step.Label, key.Value, input.Data, scalar.Value, value.Line, value.Column, AtValue: true));
            }
        }
        foreach (var leak in Find(uses, name => defaults.GetValueOrDefault(name)))
            bag.Error(leak.Line, leak.Column, leak.Message);
    }

    /// <summary>
    /// The first problem of <paramref name="definition"/> run with <paramref name="boundParams"/>: a training input
    /// whose param has no value, or one that reads evaluation data; null when there is none.
    /// </summary>
    public static Leak? Find(WorkflowDefinition definition, JsonObject boundParams)
    {
        var uses = new List<DataUse>();
        foreach (var step in definition.Steps)
        {
            foreach (var (name, role) in step.DataInputs)
            {
                if (step.With[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                    uses.Add(new DataUse(step.Id, name, role, (string)v!, step.Line, step.Column, AtValue: false));
            }
        }
        foreach (var use in uses.Where(u => u.Role == DataRole.Training))
        {
            // Training data has no safe default (a benchmark is the easy wrong one): a run must name it.
            if (Template.Whole(use.Raw) is { Reference: { Kind: ReferenceKind.Param } r }
                && (boundParams[r.Name] is null || (boundParams[r.Name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace((string?)v))))
                return new Leak(use.Line, use.Column,
                    $"param '{r.Name}' has no value, and step '{use.Step}' reads its training data ({use.Input}) from it; pass --param {r.Name}=FILE.", r.Name);
        }
        return Find(uses, name => boundParams[name]).FirstOrDefault();
    }

    private static IEnumerable<Leak> Find(List<DataUse> uses, Func<string, JsonNode?> param)
    {
        var evaluation = uses.Where(u => u.Role == DataRole.Evaluation)
            .Select(u => (Use: u, Source: Resolve(u.Raw, param))).Where(e => e.Source is not null).ToList();
        foreach (var training in uses.Where(u => u.Role == DataRole.Training))
        {
            if (Resolve(training.Raw, param) is not { } source) continue;
            var clash = evaluation.FirstOrDefault(e => e.Source!.Value.Key == source.Key);
            if (clash.Use is null) continue;
            yield return new Leak(training.Line, training.Column,
                $"step '{training.Step}': {training.Input} {source.Shown} is also the evaluation data of step '{clash.Use.Step}' " +
                $"(its {clash.Use.Input}, {(clash.Use.AtValue ? "line" : "in the step at line")} {clash.Use.Line}); training on it would make that evaluation measure memorisation. " +
                $"Train on separate data{(source.Param is { } p ? $" (--param {p}=FILE)" : "")}.",
                source.Param);
        }
    }

    /// <summary>What an input value names: a file (absolute path), an artifact, or a step output; null when unknown (empty, a non-string param).</summary>
    private static (string Key, string Shown, string? Param)? Resolve(string raw, Func<string, JsonNode?> param)
    {
        if (Template.Whole(raw) is { Reference: { } reference })
        {
            if (reference.Kind == ReferenceKind.StepOutput)
                return ($"output:{reference.StepId}.{reference.Name}", reference.Text, null);
            if (param(reference.Name) is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)v)) return null;
            var value = (string)v!;
            return (Key(value), $"'{value}' (param {reference.Name})", reference.Name);
        }
        if (string.IsNullOrWhiteSpace(raw) || Template.HasExpression(raw)) return null;
        return (Key(raw), $"'{raw}'", null);
    }

    private static string Key(string value)
    {
        if (ArtifactRef.TryParse(value, out _)) return "artifact:" + value.Trim();
        try { return "file:" + Path.GetFullPath(value.Trim()); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return "text:" + value; }
    }
}
