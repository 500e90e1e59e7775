using Hangfire;

namespace T1.Workflows.Retention;

/// <summary>The scheduled collection (<see cref="RetentionOptions.Schedule"/>): `t1 gc --apply` with the configured settings.</summary>
public sealed class GcJob(GarbageCollector collector, RetentionOptions options)
{
    /// <summary>Hangfire recurring job id.</summary>
    public const string JobId = "t1:gc";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("t1 gc (retention)")]
    public Task RunAsync(CancellationToken ct) => collector.CollectAsync(options, apply: true, ct);
}
