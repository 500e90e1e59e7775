using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>What the reconciler puts right: dead attempts (counted), lost jobs, orphaned runs.</summary>
public sealed class ReconcilerTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private const string Nap = """
        name: nap
        steps:
          - id: nap
            uses: sleep
            with: { duration: 30s, tick: 100ms }
        """;

    /// <summary>What a worker's death leaves: the attempt still Running, its heartbeat frozen (the live attempt here loses its fence and stops).</summary>
    private async Task KillAttemptAsync(string runId, DateTime lastHeartbeat)
    {
        await using var db = _p.Get<DatabaseFactory>().Create();
        await db.StepRuns.Where(s => s.RunId == runId && s.StepId == "nap")
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.AttemptToken, "dead-worker").SetProperty(s => s.HeartbeatAt, lastHeartbeat));
    }

    private async Task WaitForAttemptAsync(string runId, int attempt)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            await using var db = _p.Get<DatabaseFactory>().Create();
            if (await db.StepRuns.AnyAsync(s => s.RunId == runId && s.Status == StepStatus.Running && s.Attempt == attempt && s.AttemptToken != "dead-worker")) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"attempt {attempt} never started");
    }

    [Fact]
    public async Task WorkerDeaths_CountAgainstRetries_ThenTheStepFails_NamingTheLastWorkerAndTime()
    {
        var run = await _p.StartAsync(Nap);
        var died = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await WaitForAttemptAsync(run.Id, attempt);
            await KillAttemptAsync(run.Id, died);
        }
        var d = await _p.WaitAsync(run.Id, TimeSpan.FromSeconds(30));
        var nap = d.Steps.Single();
        Assert.Equal(RunStatus.Failed, d.Run.Status);
        Assert.Equal(StepStatus.Failed, nap.Status);
        Assert.Equal((3, 3, 3), (nap.Attempt, nap.Failures, nap.Deaths));
        Assert.Equal($"worker died 3 times (last on {_p.Options.Engine.WorkerName} at 2026-01-02 03:04:05Z); the step may be killing its worker (out of memory?): read that worker's log, or raise retry.attempts", nap.Error);
        var requeues = (await _p.Get<RunQueries>().HistoryAsync(run.Id)).Where(t => t.From == "Running" && t.To == "Queued").ToList();
        Assert.Equal(2, requeues.Count);
        Assert.All(requeues, t => Assert.StartsWith("reconciler ", t.By));
    }

    [Fact]
    public async Task QueuedStep_WhoseJobIsGone_IsEnqueuedAgain()
    {
        // A queue no worker serves holds the job; then the job is "lost" (as when a process dies between queueing and enqueueing).
        var run = await _p.StartAsync("""
            name: lost
            steps:
              - id: a
                uses: echo
                queue: nobody
                with: { message: found }
            """);
        await _p.WaitForStepAsync(run.Id, "a", StepStatus.Queued);
        await using (var db = _p.Get<DatabaseFactory>().Create())
            await db.StepRuns.Where(s => s.RunId == run.Id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Queue, "cpu").SetProperty(s => s.JobId, (string?)null).SetProperty(s => s.QueuedAt, DateTime.UtcNow.AddMinutes(-5)));
        var d = await _p.WaitAsync(run.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        var history = await _p.Get<RunQueries>().HistoryAsync(run.Id);
        Assert.Contains(history, t => t.From == "Queued" && t.To == "Queued" && t.By.StartsWith("reconciler ")
            && t.Reason == "queued without a job (a process stopped between queueing and enqueueing); enqueued again");
    }

    [Fact]
    public async Task RunOfAProcessThatIsGone_IsInterrupted_AndResumes()
    {
        var run = await _p.StartAsync(Nap);
        await _p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await gone.WaitForExitAsync();
        await using (var db = _p.Get<DatabaseFactory>().Create())
            await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.OwnerPid, gone.Id));
        await KillAttemptAsync(run.Id, DateTime.UtcNow); // its attempt died with it

        var interrupted = await _p.WaitAsync(run.Id, TimeSpan.FromSeconds(15));
        Assert.Equal(RunStatus.Interrupted, interrupted.Run.Status);
        Assert.Equal(StepStatus.Interrupted, interrupted.Steps.Single().Status);
        Assert.Equal($"interrupted: the process that ran it ({RunOwner.Current.Host}:{gone.Id}) is gone (killed or crashed)", interrupted.Run.Error);
        Assert.Equal(ResumeResult.Resumed, await _p.Get<RunControl>().ResumeAsync(run.Id));
        await using (var db = _p.Get<DatabaseFactory>().Create())
            Assert.Equal(Environment.ProcessId, await db.Runs.Where(r => r.Id == run.Id).Select(r => r.OwnerPid).FirstAsync());
        await _p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
    }
}
