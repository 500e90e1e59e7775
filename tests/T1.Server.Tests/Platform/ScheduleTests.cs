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
        await _client.Get<ScheduleRegistry>().RegisterAsync(definition);
        await Task.Delay(TimeSpan.FromSeconds(11));
        _client.Get<ScheduleRegistry>().Unregister(definition.Name);

        await using var db = _client.Get<DatabaseFactory>().Create();
        var runs = await db.Runs.Where(r => r.WorkflowName == "every-two-seconds").OrderBy(r => r.CreatedAt).ToListAsync();
        Assert.All(runs, r => Assert.Equal(RunTrigger.Schedule, r.Trigger));
        Assert.InRange(runs.Count, 3, 6);
        // Exactly once per tick: no two runs started within the same 2 s tick.
        var ticks = runs.Select(r => r.CreatedAt.Ticks / TimeSpan.FromSeconds(2).Ticks).ToList();
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        for (var i = 1; i < runs.Count; i++)
            Assert.True(runs[i].CreatedAt - runs[i - 1].CreatedAt > TimeSpan.FromSeconds(1), $"runs {runs[i - 1].Id} and {runs[i].Id} started in the same tick");
    }
}
