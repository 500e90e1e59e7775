using System.Collections.Immutable;

namespace T1.Workflows.Authoring;

/// <summary>
/// The designer's workflow: workflow-level settings and the steps on the canvas. Immutable: every
/// operation in <see cref="DocumentEdits"/> returns a new document, and <see cref="WorkflowEditor"/>
/// keeps the old ones for undo. Turned into YAML by <see cref="WorkflowYaml.Write"/>.
/// </summary>
public sealed record WorkflowDocument
{
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>Cron expression for scheduled runs, or null.</summary>
    public string? Schedule { get; init; }

    /// <summary>Param defaults in order. Values are shared between versions: never mutate them.</summary>
    public ImmutableArray<InputValue> Params { get; init; } = [];

    /// <summary>Steps in file order.</summary>
    public ImmutableArray<StepNode> Steps { get; init; } = [];

    /// <summary>Top-level keys the designer does not know, kept so that they are not lost.</summary>
    public ImmutableArray<InputValue> Unknown { get; init; } = [];

    /// <summary>The file this document was imported from, whose text is reused where nothing changed; null when made in the designer.</summary>
    public WorkflowSource? Source { get; init; }

    public StepNode? FindStep(string id) => Steps.FirstOrDefault(s => s.Id == id);

    /// <summary>The step with <paramref name="id"/>; throws a <see cref="WorkflowEditException"/> when there is none.</summary>
    public StepNode Step(string id) => FindStep(id) ?? throw new WorkflowEditException($"there is no step '{id}' in workflow '{Name}'");

    public int IndexOf(string id)
    {
        for (var i = 0; i < Steps.Length; i++)
            if (Steps[i].Id == id) return i;
        return -1;
    }

    /// <summary>Every step <paramref name="id"/> needs, directly or transitively (not itself), in file order.</summary>
    public IReadOnlyList<StepNode> Upstream(string id)
    {
        var byId = Steps.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(id);
        while (stack.Count > 0)
        {
            if (!byId.TryGetValue(stack.Pop(), out var step)) continue;
            foreach (var need in step.Needs)
                if (need != id && seen.Add(need)) stack.Push(need);
        }
        return Steps.Where(s => seen.Contains(s.Id)).ToList();
    }

    /// <summary>Every step that needs <paramref name="id"/>, directly or transitively (not itself), in file order.</summary>
    public IReadOnlyList<StepNode> Downstream(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(id);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            foreach (var s in Steps)
                if (s.Id != id && s.Needs.Contains(current) && seen.Add(s.Id)) stack.Push(s.Id);
        }
        return Steps.Where(s => seen.Contains(s.Id)).ToList();
    }

    /// <summary>The document with the step <paramref name="id"/> replaced by <paramref name="step"/>.</summary>
    public WorkflowDocument ReplaceStep(string id, StepNode step)
    {
        var i = IndexOf(id);
        if (i < 0) throw new WorkflowEditException($"there is no step '{id}' in workflow '{Name}'");
        return this with { Steps = Steps.SetItem(i, step) };
    }
}
