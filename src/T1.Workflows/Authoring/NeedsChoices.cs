namespace T1.Workflows.Authoring;

/// <summary>
/// The steps a step's "needs" may list without making a cycle: every other step except those downstream of it
/// (a step that needs it, directly or transitively). Needs it already has stay listed, so a cycle written in the
/// YAML can still be unticked.
/// </summary>
public static class NeedsChoices
{
    public static IReadOnlyList<StepNode> For(WorkflowDocument doc, string stepId)
    {
        var step = doc.Step(stepId);
        var downstream = doc.Downstream(stepId).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        return doc.Steps.Where(s => s.Id != stepId && (!downstream.Contains(s.Id) || step.Needs.Contains(s.Id))).ToList();
    }
}
