using Microsoft.EntityFrameworkCore;
using T1.Server.Hosting;
using T1.Storage.Database;

namespace T1.Server.Tests.Platform;

/// <summary>
/// Production shape: PostgreSQL + S3 (s3rver), `t1 worker` processes on their own queues,
/// this test process only starting runs.
/// </summary>
public sealed class CrossProcessTests : IAsyncLifetime
{
    private PlatformHarness _client = null!;
    private string _db = "";
    private readonly List<WorkerProcess> _workers = [];

    public async Task InitializeAsync()
    {
        _db = await TestEnvironment.CreatePostgresDatabaseAsync();
        _client = await StartClientAsync();
    }

    private async Task<PlatformHarness> StartClientAsync()
    {
        // The client shares the data directory name with the workers so all use one bucket.
        var harness = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: _db, s3: true);
        return harness;
    }

    private async Task<WorkerProcess> WorkerAsync(string name, string queues)
    {
        var w = await WorkerProcess.StartAsync(name, queues, _db, _client.Directory);
        _workers.Add(w);
        return w;
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task TwoWorkers_OnTwoQueues_RunOneWorkflow_EachStepOnItsQueue()
    {
        await WorkerAsync("cpu-worker", "cpu");
        await WorkerAsync("gpu-worker", "gpu");
        var d = await _client.RunAsync("""
            name: two-queues
            steps:
              - id: prepare
                uses: echo
                with: { message: data }
              - id: train
                uses: echo
                queue: gpu
                needs: [prepare]
                with: { message: "trained on ${{ steps.prepare.outputs.message }}" }
              - id: report
                uses: echo
                needs: [train]
                with: { message: "report: ${{ steps.train.outputs.message }}" }
            """, timeout: TimeSpan.FromSeconds(60));
        Assert.True(d.Run.Status == RunStatus.Succeeded, string.Join("\n", d.Steps.Select(s => $"{s.StepId}: {s.Status} {s.Error}")) + _workers[0].Output + _workers[1].Output);
        Assert.Equal("cpu-worker", d.Steps.Single(s => s.StepId == "prepare").Worker);
        Assert.Equal("gpu-worker", d.Steps.Single(s => s.StepId == "train").Worker);
        Assert.Equal("cpu-worker", d.Steps.Single(s => s.StepId == "report").Worker);
        Assert.Equal(3, d.Artifacts.Count);
    }

    [Fact]
    public async Task KilledWorker_StepIsReRunByAnotherWorker_AndRunCompletes_WithoutDuplicates()
    {
        var doomed = await WorkerAsync("doomed", "cpu");
        var run = await _client.StartAsync("""
            name: survive
            steps:
              - id: long
                uses: sleep
                with: { duration: 3s, tick: 100ms }
              - id: after
                uses: echo
                needs: [long]
                with: { message: "slept ${{ steps.long.outputs.slept_ms }}" }
            """);
        await _client.WaitForStepAsync(run.Id, "long", StepStatus.Running, TimeSpan.FromSeconds(30));
        await Task.Delay(700); // let it log some metric points
        doomed.KillHard();
        await WorkerAsync("rescuer", "cpu");

        var d = await _client.WaitAsync(run.Id, TimeSpan.FromSeconds(60));
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        var longStep = d.Steps.Single(s => s.StepId == "long");
        Assert.Equal(2, longStep.Attempt);
        Assert.Equal("rescuer", longStep.Worker);
        await using var db = _client.Get<DatabaseFactory>().Create();
        var ticks = await db.Metrics.Where(m => m.RunId == run.Id && m.Key == "tick").Select(m => m.Step).ToListAsync();
        Assert.NotEmpty(ticks);
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Single(await db.Artifacts.Where(a => a.RunId == run.Id).ToListAsync());
    }
}
