using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>Metric points on both databases: non-finite values are stored (as not-a-number), never failing the step.</summary>
public sealed class MetricStorageTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NonFiniteValues_AreStoredAsNotANumber_BesideFiniteOnes(bool postgres)
    {
        await using var p = await PlatformHarness.StartAsync(postgres: postgres);
        var run = await p.StartAsync("""
            name: metrics
            steps:
              - id: nap
                uses: sleep
                with: { duration: 30s, tick: 10s }
            """);
        await p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
        StepRunRecord step;
        await using (var db = p.Get<DatabaseFactory>().Create())
            step = await db.StepRuns.AsNoTracking().FirstAsync(s => s.RunId == run.Id);
        var sink = new DbMetricSink(p.Get<DatabaseFactory>(), new AttemptFence(step.Id, run.Id, "nap", step.AttemptToken!, step.Attempt));
        sink.Log("x", 1, double.NaN);
        sink.Log("x", 2, double.PositiveInfinity);
        sink.Log("x", 3, 1.5);
        await sink.FlushAsync();

        var points = (await p.Get<RunQueries>().MetricsAsync(run.Id, "nap")).Where(m => m.Key == "x").Select(m => (m.Step, m.Value)).ToList();
        Assert.Equal([(1L, double.NaN), (2L, double.NaN), (3L, 1.5)], points);
        await p.Get<RunControl>().CancelAsync(run.Id);
    }
}
