namespace T1.Workflows.Definitions.Validation;

/// <summary>Tarjan's strongly connected components, iterative (an explicit stack, so deep graphs do not overflow).</summary>
internal static class Tarjan
{
    public static List<List<int>> StronglyConnected(IReadOnlyList<List<int>> edges)
    {
        var n = edges.Count;
        var index = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var result = new List<List<int>>();
        var counter = 0;
        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0) continue;
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (v, e) = work.Pop();
                if (e == 0)
                {
                    index[v] = low[v] = counter++;
                    stack.Push(v);
                    onStack[v] = true;
                }
                else
                {
                    // Returning from the child edges[v][e - 1].
                    low[v] = Math.Min(low[v], low[edges[v][e - 1]]);
                }
                var descended = false;
                for (; e < edges[v].Count; e++)
                {
                    var w = edges[v][e];
                    if (index[w] < 0)
                    {
                        work.Push((v, e + 1));
                        work.Push((w, 0));
                        descended = true;
                        break;
                    }
                    if (onStack[w]) low[v] = Math.Min(low[v], index[w]);
                }
                if (descended || low[v] != index[v]) continue;
                var component = new List<int>();
                int x;
                do
                {
                    x = stack.Pop();
                    onStack[x] = false;
                    component.Add(x);
                } while (x != v);
                result.Add(component);
            }
        }
        return result;
    }
}
