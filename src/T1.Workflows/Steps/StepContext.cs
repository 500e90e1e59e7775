using System.Text.Json.Nodes;

namespace T1.Workflows.Steps;

/// <summary>What a running step sees: its resolved inputs and the sinks it writes to.</summary>
public sealed class StepContext
{
    public required string RunId { get; init; }
    public required string StepId { get; init; }
    public required string StepType { get; init; }
    /// <summary>1 for the first attempt; retries and re-runs after a crash count up.</summary>
    public required int Attempt { get; init; }
    /// <summary>The step's `with:` values after expression resolution and defaults.</summary>
    public required JsonObject Inputs { get; init; }
    public required IMetricSink Metrics { get; init; }
    public required IStepArtifacts Artifacts { get; init; }
    public required IStepLog Log { get; init; }
    /// <summary>A scratch folder private to this attempt; deleted when the step ends.</summary>
    public required string WorkDirectory { get; init; }
    /// <summary>
    /// A folder of this step in this run on this host, kept across its attempts: what an attempt that was killed wrote
    /// there is there for the next attempt on the same host (the step deletes what it no longer needs). Null where
    /// the host keeps none; steps then use <see cref="WorkDirectory"/> and resume from artifacts alone.
    /// </summary>
    public string? StepDirectory { get; init; }

    /// <summary>Reports progress for progress bars (`t1 run --wait`, the portal).</summary>
    public void ReportProgress(double done, double total, string? message = null) => Log.Progress(done, total, message);
}

/// <summary>Time-series metrics of a step: (key, step) is unique, so a re-run overwrites rather than duplicates.</summary>
public interface IMetricSink
{
    void Log(string key, long step, double value);
    Task FlushAsync(CancellationToken cancellationToken = default);
}

/// <summary>The step's log lines and progress.</summary>
public interface IStepLog
{
    void Info(string message);
    void Warn(string message);
    void Progress(double done, double total, string? message);
}

/// <summary>Artifact access for a step: store outputs, open inputs.</summary>
public interface IStepArtifacts
{
    /// <summary>Stores a file as the output artifact <paramref name="name"/> of this step; atomic and idempotent.</summary>
    Task<ArtifactRef> PutFileAsync(string name, string path, string kind, CancellationToken cancellationToken);

    /// <summary>Stores a folder (recursively) as the output artifact <paramref name="name"/> of this step.</summary>
    Task<ArtifactRef> PutDirectoryAsync(string name, string path, string kind, CancellationToken cancellationToken);

    /// <summary>Makes an artifact available as a local file or folder (verified by sha256) and returns its path. Treat it as read-only.</summary>
    Task<string> GetLocalPathAsync(ArtifactRef artifact, CancellationToken cancellationToken);

    /// <summary>
    /// The artifact <paramref name="name"/> that this step stored in an earlier attempt of the same run
    /// (e.g. a training checkpoint saved before the worker died), as a local path; null when there is none.
    /// This is how long steps resume: save state with <see cref="PutDirectoryAsync"/> as they go, look for it on start.
    /// </summary>
    Task<string?> TryGetEarlierOutputAsync(string name, CancellationToken cancellationToken);
}
