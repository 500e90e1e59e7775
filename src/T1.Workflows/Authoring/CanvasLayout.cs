namespace T1.Workflows.Authoring;

/// <summary>
/// Places steps that have no canvas position: left to right by depth (a step sits one column right
/// of the deepest step it needs), top to bottom in file order. Steps already placed stay put.
/// </summary>
public static class CanvasLayout
{
    public const double ColumnWidth = 240;
    public const double RowHeight = 110;
    public const double Margin = 20;

    public static WorkflowDocument Arrange(WorkflowDocument doc, bool everything = false)
    {
        if (!everything && doc.Steps.All(s => s.Position is not null)) return doc;
        var depth = Depths(doc);
        var rows = new Dictionary<int, int>();
        var steps = doc.Steps.Select(s =>
        {
            var column = depth[s.Id];
            var row = rows[column] = rows.GetValueOrDefault(column, -1) + 1;
            return s.Position is not null && !everything ? s
                : s with { Position = new CanvasPoint(Margin + column * ColumnWidth, Margin + row * RowHeight) };
        });
        return doc with { Steps = [.. steps] };
    }

    /// <summary>Longest needs-path from a root, per step; needs that are missing or in a cycle count as depth 0.</summary>
    public static IReadOnlyDictionary<string, int> Depths(WorkflowDocument doc)
    {
        var byId = doc.Steps.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in doc.Steps)
        {
            // Iterative post-order walk, so long chains do not overflow the stack.
            var stack = new Stack<(string Id, bool Expanded)>();
            stack.Push((root.Id, false));
            while (stack.Count > 0)
            {
                var (id, expanded) = stack.Pop();
                if (depth.ContainsKey(id)) continue;
                var needs = byId.TryGetValue(id, out var step) ? step.Needs.Where(byId.ContainsKey).ToList() : [];
                if (expanded)
                {
                    onPath.Remove(id);
                    depth[id] = needs.Select(n => depth.TryGetValue(n, out var d) ? d + 1 : 0).DefaultIfEmpty(0).Max();
                    continue;
                }
                onPath.Add(id);
                stack.Push((id, true));
                foreach (var n in needs)
                    if (!depth.ContainsKey(n) && !onPath.Contains(n)) stack.Push((n, false));
            }
        }
        return depth;
    }
}
