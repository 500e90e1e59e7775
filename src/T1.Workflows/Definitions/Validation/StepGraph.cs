namespace T1.Workflows.Definitions.Validation;

/// <summary>
/// The `needs` graph of the draft steps: duplicate ids, unresolved needs and cycles are reported,
/// and an ancestor query answers "does step A (transitively) need step B?". All walks are iterative.
/// </summary>
internal sealed class StepGraph
{
    private readonly List<DraftStep> _steps;
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly List<int>[] _needs;
    private readonly HashSet<int>[] _directNeeds;
    private int[]? _rank;

    /// <summary>Ancestors already proven per step, so a chain where every step uses the first one stays linear.</summary>
    private readonly Dictionary<int, HashSet<int>> _proven = [];

    private StepGraph(List<DraftStep> steps)
    {
        _steps = steps;
        _needs = new List<int>[steps.Count];
        _directNeeds = new HashSet<int>[steps.Count];
    }

    /// <summary>True when no cycle was found (a topological rank then exists for every step).</summary>
    public bool IsAcyclic => _rank is not null;

    public IReadOnlyCollection<string> Ids => _byId.Keys;

    public DraftStep? Find(string id) => _byId.TryGetValue(id, out var i) ? _steps[i] : null;

    public static StepGraph Build(List<DraftStep> steps, DiagnosticBag bag)
    {
        var g = new StepGraph(steps);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].IdNode is not { } id) continue;
            if (g._byId.TryGetValue(id.Value, out var first))
                bag.Error(id, $"duplicate step id '{id.Value}'; first defined at {steps[first].IdNode!.Line}:{steps[first].IdNode!.Column}");
            else g._byId[id.Value] = i;
        }
        for (var i = 0; i < steps.Count; i++)
        {
            g._needs[i] = [];
            foreach (var need in steps[i].Needs)
            {
                if (need.Value == steps[i].Id)
                    bag.Error(need, $"{steps[i].Label} needs itself; remove '{need.Value}' from its needs");
                else if (g._byId.TryGetValue(need.Value, out var j))
                    g._needs[i].Add(j);
                else
                    bag.Error(need, $"{steps[i].Label} needs '{need.Value}', which is not a step of this workflow{Suggestions.DidYouMean(need.Value, g._byId.Keys)}");
            }
            g._directNeeds[i] = [.. g._needs[i]];
        }
        g.ReportCycles(bag);
        return g;
    }

    /// <summary>Whether <paramref name="step"/> needs <paramref name="target"/> directly (O(1)).</summary>
    public bool NeedsDirectly(DraftStep step, DraftStep target) => _directNeeds[step.Index].Contains(target.Index);

    /// <summary>
    /// Which of <paramref name="targets"/> <paramref name="step"/> needs transitively. One walk up the
    /// needs from the step, stopping once all are found; on an acyclic graph steps ranked below every
    /// target are not entered, since nothing they need can be a target.
    /// </summary>
    public HashSet<int> AncestorsAmong(DraftStep step, HashSet<int> targets)
    {
        var found = new HashSet<int>();
        var floor = _rank is null ? int.MinValue : targets.Min(t => _rank[t]);
        var seen = new HashSet<int> { step.Index };
        var stack = new Stack<int>();
        stack.Push(step.Index);
        while (stack.Count > 0 && found.Count < targets.Count)
        {
            foreach (var n in _needs[stack.Pop()])
            {
                if (!seen.Add(n)) continue;
                if (targets.Contains(n)) found.Add(n);
                if (_proven.TryGetValue(n, out var proven))
                    foreach (var p in proven) if (targets.Contains(p)) found.Add(p);
                if (_rank is null || _rank[n] > floor) stack.Push(n);
            }
        }
        if (found.Count > 0) _proven[step.Index] = found;
        return found;
    }

    /// <summary>Kahn's algorithm ranks the steps; whatever is left over sits on or behind a cycle.</summary>
    private void ReportCycles(DiagnosticBag bag)
    {
        var n = _steps.Count;
        var waiting = new int[n];
        var dependents = new List<int>[n];
        for (var i = 0; i < n; i++) dependents[i] = [];
        for (var i = 0; i < n; i++)
        {
            waiting[i] = _needs[i].Count;
            foreach (var j in _needs[i]) dependents[j].Add(i);
        }
        var rank = new int[n];
        var queue = new Queue<int>();
        for (var i = 0; i < n; i++) if (waiting[i] == 0) queue.Enqueue(i);
        var placed = 0;
        while (queue.TryDequeue(out var i))
        {
            rank[i] = placed++;
            foreach (var d in dependents[i]) if (--waiting[d] == 0) queue.Enqueue(d);
        }
        if (placed == n)
        {
            _rank = rank;
            return;
        }
        foreach (var scc in Tarjan.StronglyConnected(_needs).Where(c => c.Count > 1).OrderBy(c => c.Min()))
            ReportCycle(scc, bag);
    }

    /// <summary>Reports the shortest cycle through the first step (in file order) of a strongly connected set.</summary>
    private void ReportCycle(List<int> scc, DiagnosticBag bag)
    {
        var members = scc.ToHashSet();
        var start = scc.Min();
        var parent = new Dictionary<int, int>();
        var queue = new Queue<int>();
        queue.Enqueue(start);
        var last = -1;
        while (queue.TryDequeue(out var i) && last < 0)
        {
            foreach (var j in _needs[i])
            {
                if (!members.Contains(j)) continue;
                if (j == start) { last = i; break; }
                if (parent.TryAdd(j, i)) queue.Enqueue(j);
            }
        }
        var path = new List<int> { start };
        for (var i = last; i != start; i = parent[i]) path.Insert(1, i);
        var names = path.Append(start).Select(i => _steps[i].Id);
        var second = path.Count > 1 ? path[1] : start;
        var at = _steps[start].Needs.First(s => s.Value == _steps[second].Id);
        bag.Error(at, $"dependency cycle: {string.Join(" → ", names)} (each step needs the next); remove one of these needs");
    }
}
