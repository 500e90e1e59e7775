using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Hosting;

/// <summary>
/// All settings of T1 Platform: configuration section <c>T1</c>, from <c>appsettings.json</c>,
/// <c>t1.json</c> in the working folder, or environment variables (<c>T1__Database__ConnectionString</c>, …).
/// Defaults are the embedded set-up: SQLite + local artifact folder + in-process worker.
/// </summary>
public sealed class T1Options
{
    public const string Section = "T1";

    /// <summary>Folder for the embedded database, artifacts, caches and scratch space.</summary>
    public string DataDirectory { get; set; } = ".t1";

    public DatabaseOptions Database { get; set; } = new();

    public ArtifactsOptions Artifacts { get; set; } = new();

    public EngineOptions Engine { get; set; } = new();

    public WorkerOptions Worker { get; set; } = new();

    /// <summary>What `t1 gc` and its schedule keep (section <c>T1:Retention</c>).</summary>
    public T1.Workflows.Retention.RetentionOptions Retention { get; set; } = new();

    /// <summary>Sign-in and roles (section <c>T1:Auth</c>).</summary>
    public T1.Server.Auth.AuthOptions Auth { get; set; } = new();

    /// <summary>The memory check before a run (section <c>T1:Plan</c>).</summary>
    public T1.Ml.Planning.PlanOptions Plan { get; set; } = new();

    /// <summary>The OpenAI-compatible model API under /v1 (section <c>T1:Serving</c>).</summary>
    public T1.Server.Serving.ServingOptions Serving { get; set; } = new();

    /// <summary>OpenTelemetry export: OTLP endpoint, protocol, headers (section <c>T1:Telemetry</c>).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Process-wide compute settings: the native heap mode (section <c>T1:Compute</c>).</summary>
    public T1.Ml.Compute.ComputeOptions Compute { get; set; } = new();
}

/// <summary>Where artifacts live (section <c>T1:Artifacts</c>).</summary>
public sealed class ArtifactsOptions
{
    /// <summary><c>local</c> (default: a folder) or <c>s3</c> (MinIO or any S3).</summary>
    public string Provider { get; set; } = "local";

    /// <summary>Local folder; default <c>&lt;DataDirectory&gt;/artifacts</c>.</summary>
    public string Path { get; set; } = "";

    public S3ArtifactStoreOptions S3 { get; set; } = new();
}

/// <summary>Worker settings (section <c>T1:Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>
    /// Queues this process serves, in priority order; empty means gpu,cpu. (Empty by default so that
    /// configuration binding replaces it instead of merging element by element.) Also "gpu,cpu" in one item.
    /// </summary>
    public string[] Queues { get; set; } = [];

    /// <summary>Steps run at once by this process.</summary>
    public int Count { get; set; } = 2;

    /// <summary>Name shown in the Hangfire dashboard; default host:pid.</summary>
    public string Name { get; set; } = "";
}
