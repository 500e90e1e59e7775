using Microsoft.EntityFrameworkCore;
using T1.Server.Hosting;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>
/// A metric or log flush (the heartbeat's, or the last one of an attempt) that fails because PostgreSQL is down keeps
/// its batch: the next flush, once the database is back, writes every point and line once, the newer value winning.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class FlushOutageTests
{
    [Fact]
    public async Task FlushDuringPostgresStop_Fails_KeepsItsBatch_AndTheNextFlushWritesItOnce()
    {
        await using var held = await Buffered.StartAsync(o => o.Database.RetryFor = TimeSpan.FromSeconds(3)); // fail the flush soon instead of riding the outage out
        var (p, runId, metrics, log) = (held.Platform, held.RunId, held.Metrics, held.Log);

        await Outage.StopAsync(Outage.Postgres);
        try
        {
            metrics.Log("loss", 3, 0.3);
            log.Info("line 2");
            await Assert.ThrowsAnyAsync<Exception>(() => metrics.FlushAsync());
            await Assert.ThrowsAnyAsync<Exception>(() => log.FlushAsync(CancellationToken.None));
        }
        finally
        {
            await Outage.StartAsync(Outage.Postgres);
        }
        metrics.Log("loss", 2, 0.45); // logged after the failed flush: newer than the kept point, so it wins
        log.Info("line 3");
        await metrics.FlushAsync();
        await log.FlushAsync(CancellationToken.None);
        await metrics.FlushAsync(); // nothing left: writes nothing twice
        await log.FlushAsync(CancellationToken.None);

        await using (var db = p.Get<DatabaseFactory>().Create())
        {
            var points = await db.Metrics.Where(m => m.RunId == runId).OrderBy(m => m.Step).Select(m => new { m.Key, m.Step, m.Value }).ToListAsync();
            Assert.Equal([("loss", 1L, (double?)0.5), ("loss", 2L, 0.45), ("loss", 3L, 0.3)], points.Select(m => (m.Key, m.Step, (double?)m.Value)));
            var lines = await db.StepLogs.Where(l => l.RunId == runId).OrderBy(l => l.Id).Select(l => l.Message).ToListAsync();
            Assert.Equal(["line 1", "line 2", "line 3"], lines);
        }
    }

    [Fact]
    public async Task LastFlush_WaitsForTheHeartbeatsFlushInFlight_SoNothingIsLeftBehindWhenTheHeartbeatStops()
    {
        // What ended a PostgreSQL-restart chaos run with its last points missing: the heartbeat's flush had taken every
        // buffered point and was riding out the outage; the attempt's last flush found the buffer empty and returned;
        // the heartbeat was then stopped, its flush cancelled, and the points it put back were never written.
        await using var held = await Buffered.StartAsync(); // flushes ride the outage out
        var (p, run, metrics, log) = (held.Platform, held.RunId, held.Metrics, held.Log);

        await Outage.StopAsync(Outage.Postgres);
        var back = Task.Run(async () => { await Task.Delay(TimeSpan.FromSeconds(3)); await Outage.StartAsync(Outage.Postgres); });
        try
        {
            using var heartbeat = new CancellationTokenSource();
            var beatMetrics = metrics.FlushAsync(heartbeat.Token); // takes both points, then waits for the database
            var beatLog = log.FlushAsync(heartbeat.Token);
            // The attempt ends: its last flush, then the heartbeat stops (as StepJob does).
            await metrics.FlushAsync(CancellationToken.None);
            await log.FlushAsync(CancellationToken.None);
            await heartbeat.CancelAsync();
            await Task.WhenAll(beatMetrics, beatLog); // they finished before the last flush returned: nothing to cancel
        }
        finally
        {
            await back; // the database is up again for the tests after this one, whatever happened here
        }

        await using var db = p.Get<DatabaseFactory>().Create();
        var points = await db.Metrics.Where(m => m.RunId == run).OrderBy(m => m.Step).Select(m => new { m.Key, m.Step, m.Value }).ToListAsync();
        Assert.Equal([("loss", 1L, (double?)0.5), ("loss", 2L, 0.4)], points.Select(m => (m.Key, m.Step, (double?)m.Value)));
        Assert.Equal(["line 1"], await db.StepLogs.Where(l => l.RunId == run).Select(l => l.Message).ToListAsync());
    }

    /// <summary>
    /// A platform on PostgreSQL with a queued sleep step held by the test as a worker's attempt would hold it (no worker
    /// runs), and that attempt's metric sink and log with points 1 and 2 of "loss" and "line 1" buffered.
    /// </summary>
    private sealed record Buffered(PlatformHarness Platform, string RunId, DbMetricSink Metrics, DbStepLog Log) : IAsyncDisposable
    {
        public static async Task<Buffered> StartAsync(Action<T1Options>? configure = null)
        {
            var p = await PlatformHarness.StartAsync(postgres: true, worker: false, configure: configure);
            var run = await p.StartAsync("""
                name: flushes
                steps:
                  - id: train
                    uses: sleep
                    queue: cpu
                    with: { duration: 1s }
                """);
            await p.WaitForStepAsync(run.Id, "train", StepStatus.Queued);
            AttemptFence fence;
            await using (var db = p.Get<DatabaseFactory>().Create())
            {
                var step = await db.StepRuns.SingleAsync(s => s.RunId == run.Id);
                await db.StepRuns.Where(s => s.Id == step.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Status, StepStatus.Running).SetProperty(s => s.AttemptToken, "flush-test").SetProperty(s => s.Attempt, 1));
                fence = new AttemptFence(step.Id, run.Id, "train", "flush-test", 1);
            }
            var buffered = new Buffered(p, run.Id, new DbMetricSink(p.Get<DatabaseFactory>(), fence), new DbStepLog(p.Get<DatabaseFactory>(), fence));
            buffered.Metrics.Log("loss", 1, 0.5);
            buffered.Metrics.Log("loss", 2, 0.4);
            buffered.Log.Info("line 1");
            return buffered;
        }

        public ValueTask DisposeAsync() => Platform.DisposeAsync();
    }
}
