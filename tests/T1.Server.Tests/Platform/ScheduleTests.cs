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

        await using var db = _client.Get<DatabaseFactory>().Create();
        var runs = await db.Runs.Where(r => r.WorkflowName == "every-two-seconds").OrderBy(r => r.CreatedAt).ToListAsync();
        Assert.All(runs, r => Assert.Equal(RunTrigger.Schedule, r.Trigger));
        // Exactly once per tick: two servers that each fired every tick would give about twice as many runs.
        // A loaded machine may fire a tick late (Hangfire then catches up), so count runs, not their spacing.
        Assert.InRange(runs.Count, Math.Max(1, ticks - 2), ticks + 1);
    }
}
