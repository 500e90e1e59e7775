using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Hosting;

/// <summary>The one place where T1's services are wired (CLI, server, worker and tests all come through here).</summary>
public static class T1Services
{
    /// <summary>
    /// Database, artifact store, step catalog, engine and the Hangfire client. With
    /// <paramref name="worker"/>, also a Hangfire server on <see cref="WorkerOptions.Queues"/> and
    /// the <see cref="Reconciler"/> loop (which <paramref name="reconcile"/> asks for without a worker: the web server).
    /// </summary>
    public static IServiceCollection AddT1(this IServiceCollection services, T1Options options, bool worker, bool reconcile = false)
    {
        // The embedded default keeps Hangfire's queue in this process: runs started here are owned by it.
        options.Engine.ProcessLocalJobs = !options.Database.IsPostgres;
        // Process-wide, before any step allocates a tensor (a step's ComputeDevice.Initialize then changes nothing).
        T1.Ml.Compute.NativeHeap.Configure(options.Compute.NativeHeap);
        services.AddHostedService<MigrationService>(); // first: hosted services start in registration order
        if (worker) services.AddHostedService<TorchWarmup>(); // before the Hangfire server takes its first step
        services.AddSingleton(options);
        services.AddSingleton(options.Engine);
        services.AddSingleton(new DatabaseFactory(options.Database, options.DataDirectory));
        services.AddSingleton(sp => CreateArtifactStore(options, sp.GetService<ILoggerFactory>()));
        services.AddSingleton(StepCatalogs.Default);
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<RunControl>();
        services.AddSingleton<RunQueries>();
        services.AddSingleton<ArtifactCache>();
        services.AddSingleton<LocalAttempts>();
        services.AddSingleton<AttemptOutcomes>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<ScheduleRegistry>();
        services.AddSingleton<T1.Workflows.Registry.ModelRegistry>();
        services.AddSingleton(options.Retention);
        services.AddSingleton<T1.Workflows.Retention.GarbageCollector>();
        services.AddTransient<T1.Workflows.Retention.GcJob>();
        services.AddSingleton<IJobDispatcher, HangfireJobDispatcher>();
        services.AddTransient<StepJob>();
        services.AddTransient<ScheduledRunJob>();

        // One job storage per host, registered before AddHangfire (which only adds its own if none is there):
        // Hangfire's default is the process-wide JobStorage.Current, so two hosts in one process (tests, an
        // in-process worker beside a server) would enqueue into each other's storage and lose jobs.
        services.AddSingleton<JobStorage>(_ => options.Database.IsPostgres
            ? new PostgreSqlStorage(new NpgsqlConnectionFactory(options.Database.ConnectionString, PostgresStorageOptions()), PostgresStorageOptions())
            // Embedded default: jobs live in this process only; the run state that matters is in SQLite.
            : new InMemoryStorage());
        // Likewise the job activator: Hangfire's default is the process-wide JobActivator.Current (the
        // last host configured), so a second host's worker would build its jobs from another host's
        // (perhaps disposed) services.
        services.AddSingleton<JobActivator>(provider => new Hangfire.AspNetCore.AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(provider.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .UseStorage(provider.GetRequiredService<JobStorage>()));

        if (worker)
        {
            services.AddHangfireServer(o =>
            {
                o.Queues = options.Worker.Queues;
                o.WorkerCount = Math.Max(1, options.Worker.Count);
                o.ServerName = options.Worker.Name;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                o.ServerCheckInterval = TimeSpan.FromSeconds(30);
                o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            });
        }
        if (worker || reconcile)
        {
            services.AddHostedService<ReconcilerService>();
            services.AddHostedService<GcScheduleService>();
        }
        return services;
    }

    /// <summary>Hangfire.PostgreSql settings of every T1 process (the hand-off benchmark uses them too).</summary>
    public static PostgreSqlStorageOptions PostgresStorageOptions() => new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = true,
        // LISTEN/NOTIFY: hand-off in milliseconds instead of the 15 s poll (DESIGN.md).
        EnableLongPolling = true,
        // Re-deliver a job whose worker died after 5 min, not 30; a healthy long job keeps its
        // claim by heartbeat. Our own fence (StepJob) guards the rare duplicate delivery.
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
        UseSlidingInvisibilityTimeout = true,
        QueuePollInterval = TimeSpan.FromSeconds(5),
        DistributedLockTimeout = TimeSpan.FromMinutes(1),
    };

    public static ArtifactStore CreateArtifactStore(T1Options options, ILoggerFactory? loggers = null) => options.Artifacts.Provider.Trim().ToLowerInvariant() switch
    {
        "" or "local" or "file" or "filesystem" => new FileSystemArtifactStore(options.Artifacts.Path),
        "s3" or "minio" => new S3ArtifactStore(options.Artifacts.S3, loggers?.CreateLogger<S3ArtifactStore>()),
        var other => throw new InvalidOperationException(
            $"unknown artifact store '{other}' in T1:Artifacts:Provider; use 'local' or 's3'."),
    };
}

/// <summary>Every step type this build knows: the built-ins and the ML steps.</summary>
public static class StepCatalogs
{
    public static readonly StepCatalog Default = StepCatalog.FromAssemblies(typeof(T1.Ml.MlAssembly).Assembly);
}

/// <summary>Applies migrations before anything else starts (hosted services start in registration order).</summary>
internal sealed class MigrationService(DatabaseFactory database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Registers (or removes) the scheduled `t1 gc` from T1:Retention:Schedule when a server or worker starts.</summary>
internal sealed class GcScheduleService(IRecurringJobManager recurring, T1.Workflows.Retention.RetentionOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        T1.Workflows.Retention.GcSchedule.Apply(recurring, options);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Runs the <see cref="Reconciler"/> every <see cref="EngineOptions.RecoveryInterval"/> while this
/// process is the leader (PostgreSQL: holds the reconciler's advisory lock; SQLite: always).
/// </summary>
internal sealed class ReconcilerService(Reconciler reconciler, DatabaseFactory database, EngineOptions options,
    Microsoft.Extensions.Logging.ILogger<ReconcilerService> logger) : BackgroundService
{
    private const long LockKey = 7310002;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var leader = new LeaderLock(database, LockKey);
        using var timer = new PeriodicTimer(options.RecoveryInterval);
        do
        {
            try
            {
                if (await leader.HoldAsync(stoppingToken)) await reconciler.ReconcileAsync(stoppingToken);
                else reconciler.NotWatching();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                reconciler.NotWatching();
                logger.LogWarning(e, "reconciler pass failed; will retry");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
