using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>`schedule:` on PostgreSQL with two server processes: each tick starts exactly one run.</summary>
public sealed class ScheduleTests : IAsyncLifetime
{
    private string _db = "";
    private PlatformHarness _client = null!;
    private readonly List<WorkerProcess> _workers = [];

    public async Task InitializeAsync()
    {
        _db = await TestEnvironment.CreatePostgresDatabaseAsync();
        _client = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: _db, s3: true);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task Schedule_StartsExactlyOneRunPerTick_WithTwoServerProcesses()
    {
        _workers.Add(await WorkerProcess.StartAsync("server-a", "cpu", _db, _client.Directory));
        _workers.Add(await WorkerProcess.StartAsync("server-b", "cpu", _db, _client.Directory));
        var definition = PlatformHarness.Workflow("""
            name: every-two-seconds
            schedule: "*/2 * * * * *"
            steps:
              - id: tick
                uses: echo
                cache: false
                with: { message: tick }
            """);
        var from = DateTime.UtcNow;
        await _client.Get<ScheduleRegistry>().RegisterAsync(definition);
        await Task.Delay(TimeSpan.FromSeconds(11));
        _client.Get<ScheduleRegistry>().Unregister(definition.Name);
        var to = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2)); // a tick fired just before unregistering may still be starting its run
        var ticks = Cronos.CronExpression.Parse(definition.Schedule!, Cronos.CronFormat.IncludeSeconds).GetOccurrences(from, to).Count();

        var fired = await FiredTicksAsync(definition.Name, definition.Schedule!);

        await using var db = _client.Get<DatabaseFactory>().Create();
        var runs = await db.Runs.Where(r => r.WorkflowName == "every-two-seconds").OrderBy(r => r.CreatedAt).ToListAsync();
        Assert.All(runs, r => Assert.Equal(RunTrigger.Schedule, r.Trigger));
        // Exactly one run per tick the schedulers fired (however many of the two servers fired it), keyed on the tick.
        Assert.Equal(fired, runs.Select(r => r.ScheduledFor!.Value).Order().ToList());
        Assert.All(runs, r => Assert.Equal(RunIds.ForTick(definition.Name, r.ScheduledFor!.Value), r.Id));
        // And the ticks fired are the schedule's: a loaded machine may fire a tick late, and Hangfire then fires only the latest missed one.
        Assert.InRange(runs.Count, Math.Max(1, ticks - 2), ticks + 1);
    }

    [Fact]
    public async Task TwoServersStartingTheSameTick_MakeOneRun_KeyedOnTheTick()
    {
        await using var other = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: _db);
        var definition = PlatformHarness.Workflow("""
            name: hourly
            schedule: "0 * * * *"
            steps:
              - id: tick
                uses: echo
                with: { message: tick }
            """);
        var record = await _client.Get<DefinitionStore>().SaveAsync(definition);
        var tick = new DateTime(2026, 12, 1, 22, 0, 0, DateTimeKind.Utc);
        // Both fire the 22:00 tick, one a little later than the other (as a slow scheduler would).
        var started = await Task.WhenAll(
            _client.Get<ScheduledRunJob>().StartForAsync(record.Id, tick.AddSeconds(1)),
            other.Get<ScheduledRunJob>().StartForAsync(record.Id, tick.AddMinutes(3)));

        await using var db = _client.Get<DatabaseFactory>().Create();
        var run = await db.Runs.SingleAsync(r => r.WorkflowName == "hourly");
        Assert.Equal([run.Id, run.Id], started.Select(r => r.Id));
        Assert.Equal(tick, run.ScheduledFor);
        Assert.Equal(RunIds.ForTick("hourly", tick), run.Id);
        Assert.Equal(RunTrigger.Schedule, run.Trigger);
        // The next tick is another run.
        var next = await _client.Get<ScheduledRunJob>().StartForAsync(record.Id, tick.AddHours(1));
        Assert.NotEqual(run.Id, next.Id);
        Assert.Equal(tick.AddHours(1), next.ScheduledFor);
    }

    /// <summary>
    /// The ticks Hangfire fired for the workflow's recurring job: each job it created carries its trigger time
    /// (parameter <c>Time</c>), and stands for the schedule's latest tick at that time. Waits for those jobs to finish.
    /// </summary>
    private async Task<List<DateTime>> FiredTicksAsync(string workflow, string cron)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_db);
        await conn.OpenAsync();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var cmd = new Npgsql.NpgsqlCommand("""
                select t.value, j.statename from hangfire.jobparameter t
                join hangfire.jobparameter r on r.jobid = t.jobid and r.name = 'RecurringJobId'
                join hangfire.job j on j.id = t.jobid
                where t.name = 'Time' and r.value = @id
                """, conn);
            cmd.Parameters.AddWithValue("id", System.Text.Json.JsonSerializer.Serialize(ScheduleRegistry.JobId(workflow)));
            var jobs = new List<(long Time, string? State)>();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    jobs.Add((long.Parse(reader.GetString(0).Trim('"'), System.Globalization.CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : reader.GetString(1)));
            if (jobs.Count > 0 && jobs.All(j => j.State is "Succeeded" or "Failed"))
                return jobs.Select(j => ScheduleTicks.Latest(cron, DateTimeOffset.FromUnixTimeSeconds(j.Time).UtcDateTime)!.Value).Distinct().Order().ToList();
            Assert.True(DateTime.UtcNow < until, $"the schedule's jobs did not finish in 60 s: {string.Join(", ", jobs.Select(j => j.State))}");
            await Task.Delay(200);
        }
    }
}
