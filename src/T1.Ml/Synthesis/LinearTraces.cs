using System.Globalization;
using T1.Ml.Tasks;

namespace T1.Ml.Synthesis;

/// <summary>
/// Linear-equation traces: "Try: 3x=22-7=15, x=15/3=5." then "Check: 3*5+7=15+7=22, correct."
/// Wrong attempts: keeping b's sign when moving it across, a division off by one, a sign slip in the
/// division, or a subtraction slip of 10 (only when the wrong x stays an integer).
/// </summary>
internal sealed class LinearTraces : ITraceWriter
{
    private enum Slip { MoveSign, DivisionOffByOne, DivisionSign, SubtractionSlip }

    public string Task => TaskRegistry.Linear;

    public (IReadOnlyList<string> Lines, string Answer) Write(Problem problem, int wrongAttempts, Random random)
    {
        long a = Get(problem, "a"), b = Get(problem, "b"), c = Get(problem, "c");
        var x = (c - b) / a;
        var lines = new List<string>();
        var seen = new HashSet<long> { x };
        for (var attempt = 0; attempt < wrongAttempts; attempt++)
        {
            for (var tries = 0; tries < 20; tries++)
            {
                var slip = (Slip)random.Next(4);
                var attemptLine = Attempt(a, b, c, slip, random, out var wrong);
                if (attemptLine is null || !seen.Add(wrong)) continue;
                var value = a * wrong + b;
                lines.Add(attemptLine);
                lines.Add($"{TraceText.CheckPrefix}{CheckChain(a, b, wrong)}, not {TraceText.N(c)}.");
                lines.Add($"That gives {TraceText.N(value)}, not {TraceText.N(c)}; the mistake was {Describe(slip, a, b, c)}.");
                break;
            }
        }
        lines.Add(Attempt(a, b, c, null, random, out _)!);
        lines.Add($"{TraceText.CheckPrefix}{CheckChain(a, b, x)}, correct.");
        return (lines, TraceText.N(x));
    }

    /// <summary>"Try: 3x=22-7=15, x=15/3=5." with the slip applied; null when the slip gives no integer x.</summary>
    private static string? Attempt(long a, long b, long c, Slip? slip, Random random, out long x)
    {
        var moved = slip == Slip.MoveSign ? c + b : c - b;      // the sign slip keeps +b as +b
        var claimed = slip == Slip.SubtractionSlip ? moved + (random.Next(2) == 0 ? 10 : -10) : moved;
        x = 0;
        if (slip == Slip.MoveSign && b == 0) return null;
        if (claimed % a != 0) return null;
        x = claimed / a;
        if (slip == Slip.DivisionOffByOne) x += random.Next(2) == 0 ? 1 : -1;
        if (slip == Slip.DivisionSign) { if (x == 0) return null; x = -x; }
        var bPart = slip == Slip.MoveSign ? (b >= 0 ? $"+{TraceText.N(b)}" : TraceText.N(b)) : (b >= 0 ? $"-{TraceText.N(b)}" : $"+{TraceText.N(-b)}");
        var ax = a switch { 1 => "x", -1 => "-x", _ => $"{TraceText.N(a)}x" };
        return $"{TraceText.TryPrefix}{ax}={TraceText.N(c)}{bPart}={TraceText.N(claimed)}, x={TraceText.N(claimed)}/{TraceText.Operand(a, true)}={TraceText.N(x)}.";
    }

    private static string Describe(Slip slip, long a, long b, long c) => slip switch
    {
        Slip.MoveSign => $"the sign of {TraceText.N(Math.Abs(b))} when moving it",
        Slip.SubtractionSlip => $"in {TraceText.N(c)}{(b >= 0 ? "-" + TraceText.N(b) : "+" + TraceText.N(-b))}",
        Slip.DivisionOffByOne => $"the division by {TraceText.N(a)}",
        _ => $"the sign in the division by {TraceText.N(a)}",
    };

    /// <summary>"3*5+7=15+7=22" (parenthesised negative x: "3*(-5)+7=-15+7=-8").</summary>
    private static string CheckChain(long a, long b, long x)
    {
        var bText = b >= 0 ? $"+{TraceText.N(b)}" : TraceText.N(b);
        return $"{TraceText.N(a)}*{TraceText.Operand(x, true)}{bText}={TraceText.N(a * x)}{bText}={TraceText.N(a * x + b)}";
    }

    private static long Get(Problem p, string key) => long.Parse(p.Metadata[key], CultureInfo.InvariantCulture);
}
