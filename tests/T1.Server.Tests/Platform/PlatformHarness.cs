using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using T1.Server.Hosting;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>
/// The real platform in this process: database (SQLite file or a fresh PostgreSQL database),
/// local artifact folder, real Hangfire with a worker, fast heartbeat settings.
/// </summary>
public sealed class PlatformHarness : IAsyncDisposable
{
    private PlatformHarness(IHost host, T1Options options, string dir)
    {
        Host = host;
        Options = options;
        Directory = dir;
    }

    public IHost Host { get; }
    public T1Options Options { get; }
    public string Directory { get; }

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <param name="configure">Changes the settings before the host is built (telemetry, timings).</param>
    /// <param name="logging">Adds log providers to the host (tests that read what was logged).</param>
    public static async Task<PlatformHarness> StartAsync(bool postgres = false, bool worker = true, string? connectionString = null, string queues = "gpu,cpu", bool s3 = false,
        Action<T1Options>? configure = null, Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "t1-test-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        var options = new T1Options { DataDirectory = dir };
        if (postgres) options.Database.ConnectionString = connectionString ?? await TestEnvironment.CreatePostgresDatabaseAsync();
        if (s3)
        {
            var settings = WorkerProcess.S3Settings("t1-" + Path.GetFileName(dir)).ToDictionary(x => x.Key, x => x.Value);
            options.Artifacts.Provider = "s3";
            options.Artifacts.S3.Endpoint = settings["Artifacts:S3:Endpoint"];
            options.Artifacts.S3.AccessKey = settings["Artifacts:S3:AccessKey"];
            options.Artifacts.S3.SecretKey = settings["Artifacts:S3:SecretKey"];
            options.Artifacts.S3.Bucket = settings["Artifacts:S3:Bucket"];
            options.Artifacts.S3.UseSsl = false;
            options.Artifacts.S3.RetryMaxDelay = TimeSpan.FromSeconds(1);
        }
        options.Engine.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        options.Engine.StaleAfter = TimeSpan.FromSeconds(2);
        options.Engine.RecoveryInterval = TimeSpan.FromMilliseconds(500);
        options.Database.RetryMaxDelay = TimeSpan.FromSeconds(1);
        options.Worker.Queues = [queues];
        options.Worker.Count = 4;
        configure?.Invoke(options);
        ConfigurationLoader.Normalise(options);
        var host = WorkerApp.Build(options, worker, logging);
        await host.StartAsync();
        return new PlatformHarness(host, options, dir);
    }

    public static WorkflowDefinition Workflow(string yaml)
    {
        var result = WorkflowLoader.Load(yaml, "test.yaml", StepCatalogs.Default);
        Assert.True(result.Definition is not null, string.Join("\n", result.Diagnostics));
        return result.Definition!;
    }

    public async Task<RunRecord> StartAsync(string yaml, Dictionary<string, string>? @params = null) =>
        await Get<WorkflowEngine>().StartRunAsync(Workflow(yaml), @params ?? new(), RunTrigger.Api);

    /// <summary>Waits until the run is final and no attempt is still running.</summary>
    public async Task<RunDetails> WaitAsync(string runId, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var d = (await Get<RunQueries>().GetAsync(runId))!;
            if (d.Run.Status.IsFinal() && d.Steps.All(s => s.Status != StepStatus.Running)) return d;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"run {runId} still {d.Run.Status}: " + string.Join(", ", d.Steps.Select(s => $"{s.StepId}={s.Status}")) + JobsDescription());
            await Task.Delay(100);
        }
    }

    public async Task<RunDetails> RunAsync(string yaml, Dictionary<string, string>? @params = null, TimeSpan? timeout = null) =>
        await WaitAsync((await StartAsync(yaml, @params)).Id, timeout);

    /// <summary>What Hangfire holds (for a timeout's message): queues, jobs in flight, failed jobs and why.</summary>
    private string JobsDescription()
    {
        var api = Get<Hangfire.JobStorage>().GetMonitoringApi();
        var queues = string.Join(", ", api.Queues().Select(q => $"{q.Name}: {q.Length} enqueued"));
        var processing = string.Join(", ", api.ProcessingJobs(0, 20).Select(j => $"{j.Key} on {j.Value.ServerId}"));
        var failed = string.Join("; ", api.FailedJobs(0, 5).Select(j => $"{j.Key}: {j.Value.ExceptionMessage}"));
        var servers = string.Join(", ", api.Servers().Select(s => $"{s.Name} ({s.WorkersCount} workers, queues {string.Join("/", s.Queues)})"));
        return $"\nhangfire: queues [{queues}]; processing [{processing}]; failed [{failed}]; servers [{servers}]";
    }

    /// <summary>Waits until a step of the run is in the given state.</summary>
    public async Task WaitForStepAsync(string runId, string stepId, StepStatus status, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            await using var db = Get<DatabaseFactory>().Create();
            if (await db.StepRuns.AnyAsync(s => s.RunId == runId && s.StepId == stepId && s.Status == status)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"run {runId} step {stepId} never became {status}");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
