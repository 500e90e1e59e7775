namespace T1.Storage.Database;

/// <summary>A stored workflow definition: one row per distinct content of a workflow name.</summary>
public sealed class DefinitionRecord
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>1, 2, … per name, in order of first storage.</summary>
    public int Version { get; set; }
    /// <summary>sha256 of the source text; (Name, ContentHash) is unique.</summary>
    public required string ContentHash { get; set; }
    public required string SourceText { get; set; }
    public string FileName { get; set; } = "";
    public string? Schedule { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class RunRecord
{
    public required string Id { get; set; }
    public long DefinitionId { get; set; }
    public required string WorkflowName { get; set; }
    public int DefinitionVersion { get; set; }
    public RunStatus Status { get; set; }
    public RunTrigger Trigger { get; set; }
    /// <summary>The bound params (defaults plus overrides) as a JSON object.</summary>
    public string ParamsJson { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? Error { get; set; }
    /// <summary>
    /// The process that runs this run's steps when its jobs live only in that process (embedded
    /// default): host name, process id and the process's start time (which tells a reused pid
    /// apart). Null when jobs are shared through the database (PostgreSQL workers).
    /// </summary>
    public string? OwnerHost { get; set; }
    public int? OwnerPid { get; set; }
    public DateTime? OwnerStartedAt { get; set; }
    /// <summary>`t1 run --no-cache`: no step of this run reuses an earlier result.</summary>
    public bool NoCache { get; set; }
    /// <summary>Who started the run: the portal or API user (or API key) name, the CLI's OS user, or <c>schedule</c>; null for runs started before it was recorded.</summary>
    public string? StartedBy { get; set; }
    /// <summary>A free-text note people keep on the run (portal, API).</summary>
    public string? Note { get; set; }
    /// <summary>
    /// The W3C traceparent of the span that started the run (when tracing is on): every step's span, in
    /// whatever process queues it, is its child, so a run is one trace.
    /// </summary>
    public string? TraceParent { get; set; }
    /// <summary>A scheduled run: the schedule's tick (cron occurrence, UTC) it was started for; the run id is derived from it.</summary>
    public DateTime? ScheduledFor { get; set; }
}

public sealed class StepRunRecord
{
    public long Id { get; set; }
    public required string RunId { get; set; }
    public required string StepId { get; set; }
    public required string StepType { get; set; }
    public required string Queue { get; set; }
    public StepStatus Status { get; set; }
    /// <summary>Tries started so far, crash re-runs included.</summary>
    public int Attempt { get; set; }
    /// <summary>Failed tries so far (handler failures and worker deaths); compared with the retry policy.</summary>
    public int Failures { get; set; }
    /// <summary>Of <see cref="Failures"/>, the attempts whose worker died (stopped sending heartbeats).</summary>
    public int Deaths { get; set; }
    /// <summary>Fence: only the attempt holding this token may record outputs, metrics and artifacts.</summary>
    public string? AttemptToken { get; set; }
    public DateTime? HeartbeatAt { get; set; }
    /// <summary>The worker process that runs (or last ran) the step, e.g. <c>host:pid</c>.</summary>
    public string? Worker { get; set; }
    /// <summary>When the step was queued, or when its delayed retry is due.</summary>
    public DateTime? QueuedAt { get; set; }
    /// <summary>The Hangfire job of the current queued attempt (the reconciler re-enqueues a Queued step whose job is gone).</summary>
    public string? JobId { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? InputsJson { get; set; }
    public string? OutputsJson { get; set; }
    public string? CacheKey { get; set; }
    public string? CachedFromRunId { get; set; }
    public string? Error { get; set; }
    public double? ProgressDone { get; set; }
    public double? ProgressTotal { get; set; }
    public string? ProgressMessage { get; set; }
}

/// <summary>One point of a step's metric time series; (StepRunId, Key, Step) is unique.</summary>
public sealed class MetricRecord
{
    public long Id { get; set; }
    public long StepRunId { get; set; }
    public required string RunId { get; set; }
    public required string Key { get; set; }
    public long Step { get; set; }
    /// <summary>NaN for a non-finite value (stored as NULL: SQLite cannot store NaN).</summary>
    public double Value { get; set; } = double.NaN;

    /// <summary>The column: null for a non-finite value.</summary>
    internal double? StoredValue
    {
        get => double.IsFinite(Value) ? Value : null;
        set => Value = value ?? double.NaN;
    }
    public DateTime Time { get; set; }
}

public sealed class StepLogRecord
{
    public long Id { get; set; }
    public long StepRunId { get; set; }
    public required string RunId { get; set; }
    public int Attempt { get; set; }
    public DateTime Time { get; set; }
    public required string Level { get; set; }
    public required string Message { get; set; }
}

/// <summary>A stored blob (content-addressed): one row per distinct content.</summary>
public sealed class BlobRecord
{
    public required string Sha256 { get; set; }
    public long Size { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A named output artifact of a step in a run; (RunId, StepId, Name) is unique.</summary>
public sealed class ArtifactRecord
{
    public long Id { get; set; }
    public required string RunId { get; set; }
    public required string StepId { get; set; }
    public required string Name { get; set; }
    /// <summary>sha256 of the blob (a file) or of the folder's manifest blob.</summary>
    public required string Sha256 { get; set; }
    /// <summary>"file" or "dir".</summary>
    public required string Layout { get; set; }
    /// <summary>What it is: text, dataset, checkpoint, report, …</summary>
    public required string Kind { get; set; }
    /// <summary>Total bytes (all files for a folder).</summary>
    public long Size { get; set; }
    public DateTime CreatedAt { get; set; }
}
