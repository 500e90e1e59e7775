using System.Text.Json.Nodes;

namespace T1.Workflows.Definitions;

/// <summary>
/// A validated workflow: its steps form a DAG (no cycles, every `needs` resolves). Immutable;
/// made only by <see cref="WorkflowLoader"/>. Graph walks are iterative so 20 000-step chains are fine.
/// </summary>
public sealed class WorkflowDefinition
{
    private readonly Dictionary<string, int> _index;
    private readonly List<int>[] _dependents;
    private IReadOnlyList<StepDefinition>? _order;

    internal WorkflowDefinition(string name, string? description, string? schedule,
        IReadOnlyDictionary<string, JsonNode?> @params, IReadOnlyList<StepDefinition> steps,
        string sourceText, string fileName)
    {
        Name = name;
        Description = description;
        Schedule = schedule;
        Params = @params;
        Steps = steps;
        SourceText = sourceText;
        FileName = fileName;
        ContentHash = WorkflowHash.Of(sourceText);
        _index = new Dictionary<string, int>(steps.Count, StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++) _index[steps[i].Id] = i;
        _dependents = new List<int>[steps.Count];
        for (var i = 0; i < steps.Count; i++) _dependents[i] = [];
        for (var i = 0; i < steps.Count; i++)
            foreach (var need in steps[i].Needs)
                _dependents[_index[need]].Add(i);
    }

    public string Name { get; }

    public string? Description { get; }

    /// <summary>Cron expression (5 fields, UTC) for scheduled runs, or null.</summary>
    public string? Schedule { get; }

    /// <summary>Param defaults, in file order.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Params { get; }

    /// <summary>Steps in file order.</summary>
    public IReadOnlyList<StepDefinition> Steps { get; }

    /// <summary>The YAML exactly as loaded.</summary>
    public string SourceText { get; }

    /// <summary>Lowercase sha256 hex of <see cref="SourceText"/> with line endings normalised to \n: the definition's version.</summary>
    public string ContentHash { get; }

    public string FileName { get; }

    public StepDefinition? FindStep(string id) => _index.TryGetValue(id, out var i) ? Steps[i] : null;

    /// <summary>Steps with each after everything it needs; among ready steps, file order wins (stable).</summary>
    public IReadOnlyList<StepDefinition> TopologicalOrder() => _order ??= ComputeOrder();

    /// <summary>
    /// Every step that needs <paramref name="id"/> directly or transitively (not the step itself):
    /// what must run again when <paramref name="id"/> is re-run.
    /// </summary>
    public IReadOnlySet<string> Dependents(string id)
    {
        if (!_index.TryGetValue(id, out var start))
            throw new ArgumentException($"workflow '{Name}' has no step '{id}'", nameof(id));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<int>();
        stack.Push(start);
        while (stack.Count > 0)
            foreach (var d in _dependents[stack.Pop()])
                if (seen.Add(Steps[d].Id)) stack.Push(d);
        return seen;
    }

    private List<StepDefinition> ComputeOrder()
    {
        var waiting = new int[Steps.Count];
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < Steps.Count; i++)
            if ((waiting[i] = Steps[i].Needs.Count) == 0) ready.Enqueue(i, i);
        var order = new List<StepDefinition>(Steps.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(Steps[i]);
            foreach (var d in _dependents[i])
                if (--waiting[d] == 0) ready.Enqueue(d, d);
        }
        // The loader rejects cycles, so every step is placed.
        return order;
    }
}
