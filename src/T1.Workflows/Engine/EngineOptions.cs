namespace T1.Workflows.Engine;

/// <summary>Timing and folders of the run engine (configuration section <c>T1:Engine</c>).</summary>
public sealed class EngineOptions
{
    /// <summary>How often a running attempt proves it is alive (and flushes metrics/logs).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A running attempt whose heartbeat is older than this is presumed dead and re-queued.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the reconciler runs (dead attempts, lost jobs, settled runs, orphaned runs).</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This process's name, recorded on the steps it runs (set from T1:Worker:Name).</summary>
    public string WorkerName { get; set; } = $"{Environment.MachineName.ToLowerInvariant()}:{Environment.ProcessId}";

    /// <summary>
    /// Set by the host, not by configuration: true when this process's job queue lives only in
    /// this process (the embedded default), so the runs it starts are owned by it (<see cref="RunOwner"/>).
    /// </summary>
    public bool ProcessLocalJobs { get; set; }

    /// <summary>A Queued step whose job is gone is enqueued again once it has waited this long (its job id may not be written yet).</summary>
    public TimeSpan LostJobGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Scratch folders of running attempts.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(".t1", "work");

    /// <summary>Local copies of artifacts that steps read (verified by sha256, shared by steps).</summary>
    public string CacheDirectory { get; set; } = Path.Combine(".t1", "cache");
}
