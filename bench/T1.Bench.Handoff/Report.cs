namespace T1.Bench.Handoff;

/// <summary>Prints the figures: hand-off percentiles of both sides, their ratio, and where the time goes.</summary>
public static class Report
{
    public const double TargetP50Ms = 50;
    public const double TargetRatio = 1.5;

    public static void Print(List<Handoff> t1, List<Handoff> raw, BenchOptions options, string loadAfter)
    {
        var t1Stats = Stats.Of(t1.Select(h => h.TotalMs).ToList());
        var rawStats = Stats.Of(raw.Select(h => h.TotalMs).ToList());
        Console.WriteLine();
        Console.WriteLine($"hand-off = next step's start − previous step's end; {options.Chains} chain(s) × {options.Steps - 1} hand-offs per side");
        Console.WriteLine($"  T1 engine     {t1Stats}");
        Console.WriteLine($"  raw Hangfire  {rawStats}");
        var ratio = t1Stats.P50 / rawStats.P50;
        Console.WriteLine(FormattableString.Invariant($"  ratio T1/raw  p50 {ratio:F2}×  p90 {t1Stats.P90 / rawStats.P90:F2}×  p99 {t1Stats.P99 / rawStats.P99:F2}×  max {t1Stats.Max / rawStats.Max:F2}×"));
        Console.WriteLine();
        Console.WriteLine("where the time goes (from Hangfire's state rows):");
        Breakdown("T1 engine", t1, "prev end → next enqueued (success update + AdvanceAsync + enqueue)");
        Breakdown("raw Hangfire", raw, "prev end → next enqueued (Succeeded state + continuation enqueue)");
        Console.WriteLine();
        var p50Ok = t1Stats.P50 <= TargetP50Ms;
        var ratioOk = ratio <= TargetRatio;
        Console.WriteLine(FormattableString.Invariant($"target p50 ≤ {TargetP50Ms} ms: {(p50Ok ? "met" : "MISSED")} ({t1Stats.P50:F1} ms); target ≤ {TargetRatio}× raw: {(ratioOk ? "met" : "MISSED")} ({ratio:F2}×)"));
        Console.WriteLine($"load average after: {loadAfter}");
    }

    private static void Breakdown(string side, List<Handoff> handoffs, string first)
    {
        Console.WriteLine($"  {side}");
        Console.WriteLine($"    {first,-76} {Stats.Of(handoffs.Where(h => h.ToEnqueuedMs is not null).Select(h => h.ToEnqueuedMs!.Value).ToList())}");
        Console.WriteLine($"    {"enqueued → Processing (Hangfire fetch: NOTIFY wake-up, fetch, state change)",-76} {Stats.Of(handoffs.Where(h => h.QueueMs is not null).Select(h => h.QueueMs!.Value).ToList())}");
        Console.WriteLine($"    {"Processing → job start (activation, filters; T1: DI + claim start)",-76} {Stats.Of(handoffs.Where(h => h.ActivationMs is not null).Select(h => h.ActivationMs!.Value).ToList())}");
    }
}
