using System.Text.RegularExpressions;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;
using YamlDotNet.Core;

namespace T1.Workflows.Authoring;

/// <summary>
/// One problem of the validator, placed on what it concerns: a step (<see cref="StepId"/>), one of
/// its keys (<see cref="Field"/>: needs, queue, retry, with, …) and, for `with:`, the input; or a
/// workflow-level key (<see cref="StepId"/> null, <see cref="Field"/> name, schedule, params, …).
/// </summary>
public sealed record DesignerProblem(Diagnostic Diagnostic, string? StepId, string? Field, string? Input)
{
    public string Message => Diagnostic.Message;
}

/// <summary>
/// Live validation: the same <see cref="WorkflowLoader"/> as <c>t1 validate</c>, run on the YAML the
/// designer writes, with each diagnostic mapped back from its line and column to a step and field.
/// </summary>
public sealed partial class DesignerValidation
{
    private DesignerValidation(WorkflowLoadResult result, IReadOnlyList<DesignerProblem> problems)
    {
        Result = result;
        Problems = problems;
    }

    /// <summary>What <c>t1 validate</c> says about the YAML; its definition is set only when there is no error.</summary>
    public WorkflowLoadResult Result { get; }

    public IReadOnlyList<DesignerProblem> Problems { get; }

    public bool IsValid => Result.Succeeded;

    public IEnumerable<DesignerProblem> ForStep(string stepId) => Problems.Where(p => p.StepId == stepId);

    public IEnumerable<DesignerProblem> ForField(string stepId, string field) => ForStep(stepId).Where(p => p.Field == field);

    public IEnumerable<DesignerProblem> ForInput(string stepId, string input) => ForStep(stepId).Where(p => p.Field == "with" && p.Input == input);

    /// <summary>Problems of the workflow itself (name, schedule, params, …), not of one step.</summary>
    public IEnumerable<DesignerProblem> ForWorkflow() => Problems.Where(p => p.StepId is null);

    /// <summary>Validates <paramref name="yaml"/>, the text written for <paramref name="doc"/>.</summary>
    public static DesignerValidation Run(WorkflowDocument doc, string yaml, string fileName, StepCatalog catalog)
    {
        var result = WorkflowLoader.Load(yaml, fileName, catalog);
        SourceNode? root = null;
        try
        {
            root = SourceTree.Parse(yaml, out _);
        }
        catch (YamlException)
        {
            // Only the diagnostics' positions are lost; the problems are still listed for the workflow.
        }
        return new DesignerValidation(result, [.. result.Diagnostics.Select(d => Place(d, doc, root))]);
    }

    private static DesignerProblem Place(Diagnostic d, WorkflowDocument doc, SourceNode? root)
    {
        var at = (d.Line, d.Column);
        if (root is not { Kind: SourceNodeKind.Mapping } || LastAtOrBefore(root, at) is not { } top)
            return new DesignerProblem(d, null, null, null);
        var (key, value) = top;
        if (key.Value != "steps" || value.Kind != SourceNodeKind.Sequence)
            return new DesignerProblem(d, null, key.Value, null);
        var index = value.Items.FindLastIndex(i => AtOrBefore(i, at) || i.Line == d.Line);
        if (index < 0 || index >= doc.Steps.Length) return new DesignerProblem(d, null, "steps", null);
        var step = doc.Steps[index];
        var item = value.Items[index];
        if (item.Kind != SourceNodeKind.Mapping) return new DesignerProblem(d, step.Id, null, null);
        string? field = LastAtOrBefore(item, at)?.Key.Value;
        string? input = null;
        if (field == "with" && item["with"] is { Kind: SourceNodeKind.Mapping } with)
            input = LastAtOrBefore(with, at) is { } entry && AtOrBefore(entry.Key, at) ? entry.Key.Value : null;
        if (NamedInput().Match(d.Message) is { Success: true } m)
            (field, input) = ("with", m.Groups[1].Value);
        else if (MissingKey().Match(d.Message) is { Success: true } missing)
            field = missing.Groups[1].Value;
        return new DesignerProblem(d, step.Id, field, input);
    }

    /// <summary>The last entry whose key starts at or before <paramref name="at"/> (the first entry when none does).</summary>
    private static KeyValuePair<SourceNode, SourceNode>? LastAtOrBefore(SourceNode map, (int Line, int Column) at)
    {
        if (map.Entries.Count == 0) return null;
        var i = map.Entries.FindLastIndex(e => AtOrBefore(e.Key, at));
        return map.Entries[Math.Max(i, 0)];
    }

    private static bool AtOrBefore(SourceNode node, (int Line, int Column) at) =>
        node.Line < at.Line || node.Line == at.Line && node.Column <= at.Column;

    [GeneratedRegex(@"input '([^']+)'")]
    private static partial Regex NamedInput();

    [GeneratedRegex(@"is missing '([a-z]+)'")]
    private static partial Regex MissingKey();
}
