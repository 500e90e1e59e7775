using T1.Ml.Tasks;

namespace T1.Ml.Synthesis;

/// <summary>
/// Arithmetic traces. Wrong attempts make one plausible slip: + or − before * (order), a carry error (±10),
/// an off-by-one, or a reversed subtraction (sign); later steps compute correctly from the wrong value.
/// Every check redoes the attempt's own steps (<see cref="ArithmeticCheck"/>), and the reflection cites the step
/// the check found wrong; neither is told the true answer.
/// </summary>
internal sealed class ArithmeticTraces : ITraceWriter
{
    private enum Slip { Order, Carry, OffByOne, Sign }

    public string Task => TaskRegistry.Arithmetic;

    public (IReadOnlyList<string> Lines, string Answer) Write(Problem problem, int wrongAttempts, Random random)
    {
        var expression = problem.Metadata["expression"];
        var (values, ops) = ArithmeticCheck.Parse(expression);
        var (steps, answer, _) = Evaluate(values, ops, precedence: true, slipAt: -1, Slip.Carry, random);
        var lines = new List<string>();
        var seen = new HashSet<long> { answer };
        for (var attempt = 0; attempt < wrongAttempts; attempt++)
        {
            for (var tries = 0; tries < 20; tries++)
            {
                var slip = (Slip)random.Next(4);
                var precedence = slip != Slip.Order;
                var slipAt = slip == Slip.Order ? -1 : random.Next(ops.Count);
                var (wrongSteps, wrong, slipped) = Evaluate(values, ops, precedence, slipAt, slip, random);
                if ((slip != Slip.Order && slipped is null) || !seen.Add(wrong)) continue;
                var check = ArithmeticCheck.Of(expression, wrongSteps);
                lines.Add(TraceText.TryPrefix + string.Join(", ", wrongSteps) + ".");
                lines.Add(check.Line);
                lines.Add(check.Reflection(TraceText.N(wrong))!);
                break;
            }
        }
        lines.Add(TraceText.TryPrefix + string.Join(", ", steps) + ".");
        lines.Add(ArithmeticCheck.Of(expression, steps).Line);
        return (lines, TraceText.N(answer));
    }

    /// <summary>
    /// Evaluates with or without precedence. At step <paramref name="slipAt"/> the claimed result is wrong
    /// by <paramref name="slip"/>; returns the slipped step's left side ("27*12"), or null when the slip
    /// does not apply there (a sign slip needs a subtraction).
    /// </summary>
    private static (List<string> Steps, long Result, string? Slipped) Evaluate(List<long> values, List<char> ops, bool precedence, int slipAt, Slip slip, Random random)
    {
        var vals = new List<long>(values);
        var os = new List<char>(ops);
        var steps = new List<string>();
        string? slipped = null;
        while (os.Count > 0)
        {
            var i = precedence && os.Contains('*') ? os.IndexOf('*') : 0;
            var (a, op, b) = (vals[i], os[i], vals[i + 1]);
            var result = op switch { '+' => a + b, '-' => a - b, _ => a * b };
            if (steps.Count == slipAt)
            {
                if (slip == Slip.Sign && (op != '-' || result == 0)) return (steps, 0, null);
                result = slip switch
                {
                    Slip.Carry => result + (random.Next(2) == 0 || Math.Abs(result) < 10 ? 10 : -10),
                    Slip.OffByOne => result + (random.Next(2) == 0 ? 1 : -1),
                    _ => -result,
                };
                slipped = TraceText.Operand(a, false) + op + TraceText.Operand(b, true);
            }
            steps.Add(TraceText.Step(a, op, b, result));
            vals[i] = result;
            vals.RemoveAt(i + 1);
            os.RemoveAt(i);
        }
        return (steps, vals[0], slipped);
    }
}
