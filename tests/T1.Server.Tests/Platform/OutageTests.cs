using Microsoft.EntityFrameworkCore;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>
/// Production shape (PostgreSQL, S3, a real `t1 worker` process) through outages: PostgreSQL
/// stopped for 60 s while a step runs, S3 stopped for 60 s while a step saves. The running attempt carries
/// on — no re-run, no lost or duplicated metric point, no orphan rows — although the outage lasts
/// far longer than the worker's staleness limit (3 s).
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class OutageTests : IAsyncLifetime
{
    private PlatformHarness _client = null!;
    private WorkerProcess _worker = null!;

    public async Task InitializeAsync()
    {
        var db = await TestEnvironment.CreatePostgresDatabaseAsync();
        _client = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: db, s3: true);
        _worker = await WorkerProcess.StartAsync("steady", "cpu", db, _client.Directory);
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _client.DisposeAsync();
    }

    private const string NapThenEcho = """
        name: outage
        steps:
          - id: nap
            uses: sleep
            with: { duration: DURATION, tick: 200ms }
          - id: say
            uses: echo
            needs: [nap]
            with: { message: "slept ${{ steps.nap.outputs.slept_ms }}" }
        """;

    [Fact]
    public async Task PostgresDown60s_MidStep_TheAttemptCarriesOn_AndNothingIsLostOrDuplicated()
    {
        var run = await _client.StartAsync(NapThenEcho.Replace("DURATION", "75s"));
        await _client.WaitForStepAsync(run.Id, "nap", StepStatus.Running, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Outage.ForAsync(Outage.Postgres, TimeSpan.FromSeconds(60));

        var d = await _client.WaitAsync(run.Id, TimeSpan.FromSeconds(180));
        await AssertCleanAsync(d, "postgres outage");
    }

    [Fact]
    public async Task S3Down60s_WhileAStepSaves_TheSaveWaitsForIt_AndTheObjectIsThereWithItsSha256()
    {
        var run = await _client.StartAsync(NapThenEcho.Replace("DURATION", "3s"));
        await _client.WaitForStepAsync(run.Id, "nap", StepStatus.Running, TimeSpan.FromSeconds(30));
        await Outage.StopAsync(Outage.S3);
        try
        {
            // `say` starts and tries to store its artifact while the server is down.
            await _client.WaitForStepAsync(run.Id, "say", StepStatus.Running, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(60));
            await using var db = _client.Get<DatabaseFactory>().Create();
            Assert.Equal(StepStatus.Running, await db.StepRuns.Where(s => s.RunId == run.Id && s.StepId == "say").Select(s => s.Status).SingleAsync());
        }
        finally
        {
            await Outage.StartAsync(Outage.S3);
        }

        var d = await _client.WaitAsync(run.Id, TimeSpan.FromSeconds(120));
        await AssertCleanAsync(d, "s3 outage");
    }

    /// <summary>Succeeded in one attempt per step, every tick point once, one artifact row whose object is there with its sha256.</summary>
    private async Task AssertCleanAsync(RunDetails d, string what)
    {
        var why = $"{what}: " + string.Join("; ", d.Steps.Select(s => $"{s.StepId} {s.Status} attempt {s.Attempt} {s.Error}")) + "\nworker:\n" + _worker.Output;
        Assert.True(d.Run.Status == RunStatus.Succeeded, why);
        Assert.All(d.Steps, s => Assert.True((s.Attempt, s.Failures, s.Deaths) == (1, 0, 0), why));
        Assert.All(d.Steps, s => Assert.Equal("steady", s.Worker));

        await using var db = _client.Get<DatabaseFactory>().Create();
        var ticks = await db.Metrics.Where(m => m.RunId == d.Run.Id && m.Key == "tick").OrderBy(m => m.Step).Select(m => m.Step).ToListAsync();
        Assert.Equal(Enumerable.Range(1, ticks.Count).Select(i => (long)i), ticks); // none lost in the outage, none twice
        var history = await _client.Get<RunQueries>().HistoryAsync(d.Run.Id);
        Assert.DoesNotContain(history, t => t.From == "Running" && t.To == "Queued"); // nobody took the live attempt for dead
        var artifacts = await db.Artifacts.Where(a => a.RunId == d.Run.Id).ToListAsync();
        var artifact = Assert.Single(artifacts);
        Assert.Equal("say", artifact.StepId);
        Assert.Single(await db.Blobs.Where(b => b.Sha256 == artifact.Sha256).ToListAsync());
        var bytes = await _client.Get<ArtifactStore>().ReadAllBytesAsync(artifact.Sha256); // verifies the sha256
        Assert.Equal(artifact.Size, bytes.Length);
    }
}
