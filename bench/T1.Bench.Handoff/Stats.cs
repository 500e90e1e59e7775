namespace T1.Bench.Handoff;

/// <summary>Order statistics of a set of durations in milliseconds (nearest-rank percentiles).</summary>
public sealed record Stats(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static Stats Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = values.OrderBy(v => v).ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Stats(sorted.Length, At(0.50), At(0.90), At(0.99), sorted[^1], sorted.Average());
    }

    public override string ToString() =>
        FormattableString.Invariant($"n={Count,4}  p50 {P50,8:F1}  p90 {P90,8:F1}  p99 {P99,8:F1}  max {Max,8:F1}  mean {Mean,8:F1}  (ms)");
}

/// <summary>One hand-off: the previous step's end and the next step's start, plus Hangfire's view of the next job.</summary>
public sealed record Handoff(DateTime PrevEnd, DateTime NextStart, DateTime? NextEnqueued, DateTime? NextProcessing)
{
    public double TotalMs => (NextStart - PrevEnd).TotalMilliseconds;

    /// <summary>Previous end → next job enqueued: bookkeeping of the finishing job and the enqueue itself.</summary>
    public double? ToEnqueuedMs => NextEnqueued is { } e ? (e - PrevEnd).TotalMilliseconds : null;

    /// <summary>Enqueued → a worker fetched it and marked it Processing: the Hangfire fetch path (NOTIFY, fetch query, state change).</summary>
    public double? QueueMs => NextEnqueued is { } e && NextProcessing is { } p ? (p - e).TotalMilliseconds : null;

    /// <summary>Processing → the job's own start timestamp: activation, filters, and (for steps) the claim's start.</summary>
    public double? ActivationMs => NextProcessing is { } p ? (NextStart - p).TotalMilliseconds : null;
}
