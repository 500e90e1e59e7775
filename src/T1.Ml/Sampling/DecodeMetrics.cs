using System.Diagnostics.Metrics;

namespace T1.Ml.Sampling;

/// <summary>
/// The serving instruments, on the meter <c>T1.Serving</c> (exported by the server's OpenTelemetry set-up):
/// tokens generated (a counter: its rate is tokens/s), time to first token, time queued, rows per decode step,
/// and each finished choice's decode speed. Every measurement carries the model (<c>name@vN</c>).
/// </summary>
public static class DecodeMetrics
{
    public const string MeterName = "T1.Serving";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Tokens the models wrote (thinking and answers).</summary>
    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>("t1.serving.tokens", "{token}", "Tokens generated; its rate is tokens/s.");

    /// <summary>Seconds from a request's arrival to its first token.</summary>
    public static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>("t1.serving.time_to_first_token", "s", "Seconds from arrival to the first generated token.");

    /// <summary>Seconds a choice waited before joining the decode batch.</summary>
    public static readonly Histogram<double> QueueTime = Meter.CreateHistogram<double>("t1.serving.queue_time", "s", "Seconds a choice waited for a place in the decode batch.");

    /// <summary>Rows in each decode step.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("t1.serving.batch_size", "{row}", "Rows (choices) decoded together in one step.");

    /// <summary>Tokens per second of each finished choice, from its first token to its last.</summary>
    public static readonly Histogram<double> ChoiceTokensPerSecond = Meter.CreateHistogram<double>("t1.serving.choice_tokens_per_second", "{token}/s", "Decode speed of each finished choice.");

    /// <summary>Requests refused because the queue was full.</summary>
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("t1.serving.rejected", "{request}", "Requests refused with 429 because the queue was full.");
}
