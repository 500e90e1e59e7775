using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>The run engine end to end on the embedded default (SQLite + in-process Hangfire worker).</summary>
public sealed class EngineTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static JsonObject Outputs(RunDetails d, string step) => JsonNode.Parse(d.Steps.Single(s => s.StepId == step).OutputsJson!)!.AsObject();

    [Fact]
    public async Task Run_PassesOutputsDownstream_AndSucceeds()
    {
        var d = await _p.RunAsync("""
            name: pass
            params: { who: world }
            steps:
              - id: a
                uses: echo
                with: { message: "hi ${{ params.who }}" }
              - id: b
                uses: echo
                needs: [a]
                with: { message: "${{ steps.a.outputs.message }}!" }
            """, new() { ["who"] = "you" });
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        Assert.Equal("hi you!", Outputs(d, "b")["message"]!.GetValue<string>());
        Assert.All(d.Steps, s => Assert.Equal(1, s.Attempt));
        Assert.Equal(2, d.Artifacts.Count);
    }

    [Fact]
    public async Task Retry_ReRunsFailingStep_UntilItSucceeds()
    {
        var d = await _p.RunAsync("""
            name: retry
            steps:
              - id: flaky
                uses: fail
                retry: { attempts: 3, backoff: 100ms }
                with: { times: 2 }
            """);
        var step = d.Steps.Single();
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(3, step.Attempt);
        Assert.Equal(3, Outputs(d, "flaky")["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnexpectedError_ShowsItsFirstLine_AndTheLogKeepsTheBacktrace()
    {
        var d = await _p.RunAsync("""
            name: native
            steps:
              - id: bad
                uses: fail
                with: { message: "Expected false to be true, but got false.", unexpected: true }
            """);
        var bad = d.Steps.Single();
        Assert.Equal(StepStatus.Failed, bad.Status);
        Assert.Equal(
            $"InvalidOperationException: Expected false to be true, but got false. (unexpected error; the whole of it is in the step's log: the portal's run page, or GET /api/runs/{d.Run.Id}/steps/bad/logs)",
            bad.Error);
        var logs = await _p.Get<RunQueries>().LogsAsync(d.Run.Id, "bad");
        Assert.Contains(logs, l => l.Message.Contains("frame #0: Fail() + 0x10"));
    }

    [Fact]
    public async Task Failure_AfterLastTry_FailsStep_SkipsDependents_AndFailsRun()
    {
        var d = await _p.RunAsync("""
            name: broken
            steps:
              - id: bad
                uses: fail
                retry: { attempts: 2, backoff: 50ms }
                with: { message: "disk on fire" }
              - id: after
                uses: echo
                needs: [bad]
                with: { message: never }
              - id: independent
                uses: echo
                with: { message: fine }
            """);
        Assert.Equal(RunStatus.Failed, d.Run.Status);
        var bad = d.Steps.Single(s => s.StepId == "bad");
        Assert.Equal(StepStatus.Failed, bad.Status);
        Assert.Equal("disk on fire (after 2 tries)", bad.Error);
        Assert.Equal(StepStatus.Skipped, d.Steps.Single(s => s.StepId == "after").Status);
        Assert.Equal(StepStatus.Succeeded, d.Steps.Single(s => s.StepId == "independent").Status);
        Assert.Equal("step 'bad' failed: disk on fire (after 2 tries)", d.Run.Error);
    }

    [Fact]
    public async Task Timeout_CancelsHandler_AndFailsStepWithClearMessage()
    {
        var d = await _p.RunAsync("""
            name: slow
            steps:
              - id: nap
                uses: sleep
                timeout: 300ms
                with: { duration: 30s }
            """);
        var nap = d.Steps.Single();
        Assert.Equal(StepStatus.Failed, nap.Status);
        Assert.StartsWith("timed out after 300ms", nap.Error);
        Assert.True((nap.FinishedAt - nap.StartedAt)!.Value < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cache_ReusesOutputsOfIdenticalStep_UnlessCacheIsOff()
    {
        const string yaml = """
            name: cached
            steps:
              - id: a
                uses: echo
                with: { message: same }
              - id: b
                uses: echo
                cache: false
                with: { message: same too }
            """;
        var first = await _p.RunAsync(yaml);
        var second = await _p.RunAsync(yaml);
        Assert.Equal(RunStatus.Succeeded, second.Run.Status);
        var a = second.Steps.Single(s => s.StepId == "a");
        Assert.Equal(first.Run.Id, a.CachedFromRunId);
        Assert.Equal(0, a.Attempt);
        Assert.Equal(Outputs(first, "a").ToJsonString(), Outputs(second, "a").ToJsonString());
        Assert.Null(second.Steps.Single(s => s.StepId == "b").CachedFromRunId);
        Assert.Contains(second.Artifacts, x => x.StepId == "a" && x.Name == "file");
    }

    [Fact]
    public async Task Cancel_StopsRunningStep_AndCancelsQueuedOnes()
    {
        var run = await _p.StartAsync("""
            name: cancel-me
            steps:
              - id: long
                uses: sleep
                with: { duration: 60s }
              - id: later
                uses: echo
                needs: [long]
                with: { message: x }
            """);
        await _p.WaitForStepAsync(run.Id, "long", StepStatus.Running);
        Assert.True(await _p.Get<RunControl>().CancelAsync(run.Id));
        var d = await _p.WaitAsync(run.Id, TimeSpan.FromSeconds(15));
        Assert.Equal(RunStatus.Cancelled, d.Run.Status);
        Assert.Equal(StepStatus.Cancelled, d.Steps.Single(s => s.StepId == "long").Status);
        Assert.Equal(StepStatus.Cancelled, d.Steps.Single(s => s.StepId == "later").Status);
        Assert.False(await _p.Get<RunControl>().CancelAsync(run.Id));
    }

    [Fact]
    public async Task Resume_ReRunsFailedAndSkippedSteps_ReusingSucceededOnes()
    {
        var run = await _p.StartAsync("""
            name: resume-me
            steps:
              - id: ok
                uses: echo
                cache: false
                with: { message: first }
              - id: flaky
                uses: fail
                needs: [ok]
                with: { times: 1 }
              - id: last
                uses: echo
                needs: [flaky]
                with: { message: "${{ steps.ok.outputs.message }} then ${{ steps.flaky.outputs.attempt }}" }
            """);
        var failed = await _p.WaitAsync(run.Id);
        Assert.Equal(RunStatus.Failed, failed.Run.Status);
        Assert.Equal(StepStatus.Skipped, failed.Steps.Single(s => s.StepId == "last").Status);

        Assert.Equal(ResumeResult.Resumed, await _p.Get<RunControl>().ResumeAsync(run.Id));
        var d = await _p.WaitAsync(run.Id);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        Assert.Equal(1, d.Steps.Single(s => s.StepId == "ok").Attempt); // not re-run
        Assert.Equal(2, d.Steps.Single(s => s.StepId == "flaky").Attempt);
        Assert.Equal("first then 2", Outputs(d, "last")["message"]!.GetValue<string>());
        Assert.Equal(ResumeResult.NothingToDo, await _p.Get<RunControl>().ResumeAsync(run.Id));
    }

    [Fact]
    public async Task DuplicatePickUp_OfALiveAttempt_DoesNothing()
    {
        var run = await _p.StartAsync("""
            name: dup
            steps:
              - id: nap
                uses: sleep
                with: { duration: 1500ms, tick: 100ms }
            """);
        await _p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
        // Hangfire.PostgreSql may deliver a job twice (DESIGN.md); simulate it.
        _p.Get<IJobDispatcher>().Enqueue(run.Id, "nap", "cpu");
        _p.Get<IJobDispatcher>().Enqueue(run.Id, "nap", "cpu");
        var d = await _p.WaitAsync(run.Id);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        Assert.Equal(1, d.Steps.Single().Attempt);
    }

    [Fact]
    public async Task DeadAttempt_IsRecovered_AndStepReRuns_WithoutDuplicateMetricsOrArtifacts()
    {
        var run = await _p.StartAsync("""
            name: recover
            steps:
              - id: nap
                uses: sleep
                with: { duration: 1s, tick: 100ms }
              - id: note
                uses: echo
                needs: [nap]
                with: { message: "${{ steps.nap.outputs.slept_ms }}" }
            """);
        await _p.WaitForStepAsync(run.Id, "nap", StepStatus.Running);
        // A worker that died holds the step: take the fence away from the live attempt and age its heartbeat.
        await using (var db = _p.Get<DatabaseFactory>().Create())
            await db.StepRuns.Where(s => s.RunId == run.Id && s.StepId == "nap")
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.AttemptToken, "dead-worker").SetProperty(s => s.HeartbeatAt, DateTime.UtcNow.AddMinutes(-5)));
        var d = await _p.WaitAsync(run.Id);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        Assert.Equal(2, d.Steps.Single(s => s.StepId == "nap").Attempt);
        await using var check = _p.Get<DatabaseFactory>().Create();
        var ticks = await check.Metrics.Where(m => m.RunId == run.Id && m.Key == "tick").Select(m => m.Step).ToListAsync();
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Single(await check.Artifacts.Where(a => a.RunId == run.Id && a.StepId == "note").ToListAsync());
    }

    [Fact]
    public async Task BadParam_IsRejected_BeforeAnythingIsStored()
    {
        var e = await Assert.ThrowsAsync<T1.Workflows.Definitions.WorkflowParamException>(() => _p.StartAsync("""
            name: params
            params: { seed: 1 }
            steps:
              - id: a
                uses: echo
                with: { message: "${{ params.seed }}" }
            """, new() { ["sede"] = "2" }));
        Assert.Contains("sede", e.Message);
        await using var db = _p.Get<DatabaseFactory>().Create();
        Assert.Empty(await db.Definitions.ToListAsync());
        Assert.Empty(await db.Runs.ToListAsync());
    }
}
