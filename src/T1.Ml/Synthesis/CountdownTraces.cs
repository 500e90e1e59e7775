using T1.Ml.Tasks;

namespace T1.Ml.Synthesis;

/// <summary>
/// Countdown traces from a real search: a depth-first search over pairs and operations, in an order shuffled
/// by the seed. Complete combinations that miss are shown as tried ("Try: 8*4=32, 32-3=29, 29-2=27, not 22."),
/// then the first combination that hits, and a check of the whole expression.
/// </summary>
internal sealed class CountdownTraces : ITraceWriter
{
    private const int NodeBudget = 200_000;

    public string Task => TaskRegistry.Countdown;

    public (IReadOnlyList<string> Lines, string Answer) Write(Problem problem, int wrongAttempts, Random random)
    {
        var numbers = CountdownChecker.Numbers(problem);
        var target = long.Parse(problem.Metadata["target"], System.Globalization.CultureInfo.InvariantCulture);
        var search = new Search(target, wrongAttempts, random);
        var pool = numbers.Select(n => (n, IntExpression.Number(n))).ToList();
        var solution = search.Run(pool, []) ?? IntExpression.TryParse(problem.Answer)!;

        var lines = new List<string>();
        foreach (var (steps, value) in search.Misses)
            lines.Add($"{TraceText.TryPrefix}{string.Join(", ", steps)}, not {TraceText.N(target)}.");
        lines.Add(TraceText.TryPrefix + string.Join(", ", solution.Steps().Select(s => TraceText.Step(s.A, s.Op, s.B, s.Result))) + ".");
        var answer = solution.ToString()!;
        lines.Add($"{TraceText.CheckPrefix}{answer}={TraceText.N(target)}, correct.");
        return (lines, answer);
    }

    private sealed class Search(long target, int missesWanted, Random random)
    {
        private int _nodes;
        private readonly HashSet<long> _missValues = [];

        public List<(IReadOnlyList<string> Steps, long Value)> Misses { get; } = [];

        /// <summary>Returns the first expression reaching the target, recording up to the wanted number of distinct misses.</summary>
        public IntExpression? Run(List<(long Value, IntExpression Expr)> pool, List<string> steps)
        {
            if (++_nodes > NodeBudget) return null;
            if (pool.Count == 1)
            {
                if (pool[0].Value == target) return pool[0].Expr;
                if (Misses.Count < missesWanted && _missValues.Add(pool[0].Value)) Misses.Add((steps.ToList(), pool[0].Value));
                return null;
            }
            var moves = new List<(int I, int J, char Op)>();
            for (var i = 0; i < pool.Count; i++)
                for (var j = 0; j < pool.Count; j++)
                    if (i != j)
                        foreach (var op in "+-*/")
                            if (CountdownTask.Apply(pool[i].Value, op, pool[j].Value) is not null && (op is '-' or '/' || i < j))
                                moves.Add((i, j, op));
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(moves));
            foreach (var (i, j, op) in moves)
            {
                var (a, b) = (pool[i], pool[j]);
                var value = CountdownTask.Apply(a.Value, op, b.Value)!.Value;
                var next = pool.Where((_, k) => k != i && k != j).ToList();
                next.Add((value, IntExpression.Combine(a.Expr, op, b.Expr)));
                steps.Add(TraceText.Step(a.Value, op, b.Value, value));
                var found = Run(next, steps);
                steps.RemoveAt(steps.Count - 1);
                if (found is not null) return found;
                if (_nodes > NodeBudget) return null;
            }
            return null;
        }
    }
}
