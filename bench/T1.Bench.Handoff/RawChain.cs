using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace T1.Bench.Handoff;

/// <summary>
/// The reference: the same chain as plain Hangfire continuations of a no-op job, on the same
/// PostgreSQL with the storage and server options of T1Services, run by `--raw-worker` processes.
/// </summary>
public static class RawChain
{
    public const string Queue = "cpu";
    public const string Schema = "hangfire";

    /// <summary>The storage options of src/T1.Server/Hosting/T1Services.cs (long polling on).</summary>
    public static PostgreSqlStorageOptions StorageOptions() => T1.Server.Hosting.T1Services.PostgresStorageOptions();

    public static void ConfigureGlobal(IGlobalConfiguration config) => config
        .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
        .UseSimpleAssemblyNameTypeSerializer()
        .UseRecommendedSerializerSettings();

    /// <summary>`--raw-worker`: a Hangfire server on queue cpu with T1's server options; the job appends its times to a file.</summary>
    public static async Task<int> RunWorkerAsync(string connectionString, string timesFile, CancellationToken ct)
    {
        RawStepJob.TimesFile = timesFile;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHangfire(config =>
        {
            ConfigureGlobal(config);
            config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), StorageOptions());
        });
        builder.Services.AddHangfireServer(o =>
        {
            o.Queues = [Queue];
            o.WorkerCount = 2;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            o.ServerCheckInterval = TimeSpan.FromSeconds(30);
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        Console.WriteLine($"raw worker {Environment.ProcessId} ready");
        await host.WaitForShutdownAsync(ct);
        return 0;
    }

    /// <summary>Creates the whole chain first (job 1 parked as Scheduled), then releases job 1, so no continuation is created late.</summary>
    public static async Task<List<Handoff>> RunChainAsync(string connectionString, string timesDirectory, string chain, int steps,
        TimeSpan timeout, CancellationToken ct)
    {
        var options = StorageOptions();
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        var client = new BackgroundJobClient(storage);
        var first = client.Create(Job(chain, 1), new ScheduledState(TimeSpan.FromHours(1)));
        var parent = first;
        for (var i = 2; i <= steps; i++)
            parent = client.Create(Job(chain, i), new AwaitingState(parent, new EnqueuedState(Queue), JobContinuationOptions.OnlyOnSucceededState)); // = ContinueJobWith
        client.ChangeState(first, new EnqueuedState(Queue), ScheduledState.StateName);

        var deadline = DateTime.UtcNow + timeout;
        Dictionary<int, (DateTime Start, DateTime End)> times;
        while (true)
        {
            await Task.Delay(200, ct);
            times = ReadTimes(timesDirectory, chain);
            if (times.Count >= steps) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"raw chain {chain}: {times.Count}/{steps} jobs ran within {timeout.TotalSeconds:F0} s; see the raw worker logs");
        }
        var jobs = await HangfireTimes.ReadAsync(connectionString, Schema, ct);
        var handoffs = new List<Handoff>();
        for (var i = 2; i <= steps; i++)
        {
            jobs.TryGetValue(HangfireTimes.Key(chain, i.ToString(CultureInfo.InvariantCulture), null), out var job);
            handoffs.Add(new Handoff(times[i - 1].End, times[i].Start, job.Enqueued, job.Processing));
        }
        return handoffs;
    }

    private static Hangfire.Common.Job Job(string chain, int index) =>
        Hangfire.Common.Job.FromExpression<RawStepJob>(j => j.RunAsync(chain, index, CancellationToken.None), Queue);

    private static Dictionary<int, (DateTime Start, DateTime End)> ReadTimes(string directory, string chain)
    {
        var result = new Dictionary<int, (DateTime, DateTime)>();
        foreach (var file in Directory.EnumerateFiles(directory, "raw-times-*.tsv"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            foreach (var line in lines.Take(lines.Length - 1)) // the last piece is empty or a line still being written
            {
                var f = line.Split('\t');
                if (f.Length != 4 || f[0] != chain) continue;
                result[int.Parse(f[1], CultureInfo.InvariantCulture)] =
                    (new DateTime(long.Parse(f[2], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                     new DateTime(long.Parse(f[3], CultureInfo.InvariantCulture), DateTimeKind.Utc));
            }
        }
        return result;
    }
}

/// <summary>The no-op job of the raw chain: records when it started and ended (UTC ticks) in its process's file.</summary>
public sealed class RawStepJob
{
    private static readonly Lock FileLock = new();
    internal static string TimesFile = "";

    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(string chain, int index, CancellationToken shutdown)
    {
        var start = DateTime.UtcNow;
        var end = DateTime.UtcNow;
        lock (FileLock)
            File.AppendAllText(TimesFile, FormattableString.Invariant($"{chain}\t{index}\t{start.Ticks}\t{end.Ticks}\n"));
        return Task.CompletedTask;
    }
}
