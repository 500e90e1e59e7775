using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>Every transition of a run and its steps is recorded by the one state writer: from, to, by whom, why.</summary>
public sealed class StateHistoryTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static string Line(StateTransitionRecord t) => $"{t.StepId ?? "(run)"} {t.From ?? "-"}>{t.To} by {t.By.Split(' ')[0]}";

    [Fact]
    public async Task History_RecordsEveryTransition_WithActor_AndKeepsTheErrorOfEveryAttempt()
    {
        var d = await _p.RunAsync("""
            name: history
            steps:
              - id: flaky
                uses: fail
                retry: { attempts: 3, backoff: 50ms }
                with: { times: 2, message: "disk on fire" }
            """);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        var history = await _p.Get<RunQueries>().HistoryAsync(d.Run.Id);
        Assert.Equal(
        [
            "(run) ->Running by user", "flaky ->Pending by user",
            "flaky Pending>Queued by engine",
            "flaky Queued>Running by worker", "flaky Running>Queued by worker",
            "flaky Queued>Running by worker", "flaky Running>Queued by worker",
            "flaky Queued>Running by worker", "flaky Running>Succeeded by worker",
            "(run) Running>Succeeded by engine",
        ], history.Select(Line).ToList());
        var retries = history.Where(t => t.From == "Running" && t.To == "Queued").ToList();
        Assert.Equal([1, 2], retries.Select(t => t.Attempt!.Value).ToList());
        Assert.All(retries, t => Assert.Contains("disk on fire", t.Reason));
        Assert.Equal($"worker {_p.Options.Engine.WorkerName}", history.First(t => t.To == "Running" && t.StepId is not null).By);
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.At <= p.Second.At), "history is in time order");
    }

    [Fact]
    public async Task Cancel_IsRecorded_AsTheUsersDoing()
    {
        var run = await _p.StartAsync("""
            name: cancel-history
            steps:
              - id: nap
                uses: sleep
                with: { duration: 60s }
              - id: later
                uses: echo
                needs: [nap]
                with: { message: x }
            """);
        await _p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
        Assert.True(await _p.Get<RunControl>().CancelAsync(run.Id));
        await _p.WaitAsync(run.Id, TimeSpan.FromSeconds(15));
        var history = await _p.Get<RunQueries>().HistoryAsync(run.Id);
        Assert.Contains("(run) Running>Cancelled by user", history.Select(Line));
        Assert.Contains("later Pending>Cancelled by user", history.Select(Line));
        Assert.Contains("nap Running>Cancelled by worker", history.Select(Line));
    }

    [Fact]
    public async Task Interrupt_StopsTheAttempt_RecordsInterrupted_AndResumeFinishesTheRun()
    {
        var run = await _p.StartAsync("""
            name: interrupt-me
            steps:
              - id: nap
                uses: sleep
                with: { duration: 3s, tick: 100ms }
              - id: after
                uses: echo
                needs: [nap]
                with: { message: done }
            """);
        await _p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
        Assert.True(await _p.Get<RunControl>().InterruptAsync(run.Id, Actor.User, "Ctrl+C in a test"));
        var d = await _p.WaitAsync(run.Id, TimeSpan.FromSeconds(10));
        Assert.Equal(RunStatus.Interrupted, d.Run.Status);
        var nap = d.Steps.Single(s => s.StepId == "nap");
        Assert.Equal(StepStatus.Interrupted, nap.Status);
        Assert.Equal($"interrupted (attempt 1); `t1 resume {run.Id}` continues from the step's last saved state", nap.Error);
        Assert.Equal(StepStatus.Pending, d.Steps.Single(s => s.StepId == "after").Status);

        Assert.Equal(ResumeResult.Resumed, await _p.Get<RunControl>().ResumeAsync(run.Id));
        d = await _p.WaitAsync(run.Id);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        Assert.Equal(2, d.Steps.Single(s => s.StepId == "nap").Attempt);
        var history = (await _p.Get<RunQueries>().HistoryAsync(run.Id)).Select(Line).ToList();
        Assert.Contains("(run) Running>Interrupted by user", history);
        Assert.Contains("nap Interrupted>Pending by user", history);
        Assert.Contains("(run) Interrupted>Running by user", history);
    }
}
