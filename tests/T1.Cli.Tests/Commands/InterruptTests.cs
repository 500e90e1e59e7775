using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Cli.Tests.Commands;

/// <summary>
/// Chaos on the embedded default with the real `t1` process: Ctrl+C and kill -9 of `t1 run`
/// mid-`sft`, then `t1 resume`. Training continues from the saved step and ends where an
/// uninterrupted run ends (same checkpoint sha256, same metric series).
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    // 40 examples, batch 8, 12 epochs: 60 sft steps (seconds on an idle machine: long enough to be caught mid-step), a resumable state every 2.
    private const string Workflow = """
        name: chaos-sft
        steps:
          - id: synth
            uses: synthesize
            with: { task: arithmetic, count: 40, seed: 1 }
          - id: sft
            uses: sft
            needs: [synth]
            with: { dataset: "${{ steps.synth.outputs.dataset }}", model: tiny, batch_size: 8, lr: 0.002, warmup: 2, vocab_size: 300, device: cpu, epochs: 12, save_every: 2 }
        """;

    private DatabaseFactory Database => new(new DatabaseOptions(), Path.Combine(_cli.WorkDir, ".t1"));

    private async Task WaitForSavedStateAsync(string runId, CliProcess t1)
    {
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until)
        {
            await using (var db = Database.Create())
                if (await db.Artifacts.AnyAsync(a => a.RunId == runId && a.StepId == "sft" && a.Name == "resume")) return;
            await Task.Delay(200);
        }
        throw new TimeoutException("sft saved no resumable state:\n" + t1.Output);
    }

    private async Task<(string Checkpoint, List<string> Metrics, List<string> Logs)> SftOfAsync(string runId)
    {
        await using var db = Database.Create();
        var checkpoint = await db.Artifacts.Where(a => a.RunId == runId && a.StepId == "sft" && a.Name == "checkpoint").Select(a => a.Sha256).SingleAsync();
        var stepRun = await db.StepRuns.Where(s => s.RunId == runId && s.StepId == "sft").Select(s => s.Id).SingleAsync();
        var metrics = (await db.Metrics.Where(m => m.StepRunId == stepRun && m.Key != "tokens_per_s").ToListAsync())
            .OrderBy(m => m.Key, StringComparer.Ordinal).ThenBy(m => m.Step).Select(m => $"{m.Key}@{m.Step}={m.Value:R}").ToList();
        var logs = await db.StepLogs.Where(l => l.StepRunId == stepRun).OrderBy(l => l.Id).Select(l => l.Message).ToListAsync();
        return (checkpoint, metrics, logs);
    }

    [Fact]
    public async Task CtrlC_InterruptsAtASafePoint_Exits130_AndResumeEndsWhereAnUninterruptedRunEnds()
    {
        var file = _cli.Write("chaos.yaml", Workflow);
        var (exit, output, err) = await _cli.RunAsync("run", file);
        Assert.True(exit == 0, output + err);
        var reference = await SftOfAsync(output.Split(' ', '\n')[1]);

        await using var t1 = CliProcess.Start(_cli.WorkDir, "run", file, "--no-cache");
        var runId = await t1.RunIdAsync(TimeSpan.FromMinutes(1));
        await WaitForSavedStateAsync(runId, t1);
        t1.Signal("INT");
        Assert.Equal(130, await t1.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"Ctrl+C: interrupting run {runId}", t1.Output);
        Assert.Contains($"run {runId} interrupted; `t1 resume {runId}` continues it", t1.Output);
        Assert.DoesNotContain("please report this", t1.Output);
        await using (var db = Database.Create())
        {
            Assert.Equal(RunStatus.Interrupted, await db.Runs.Where(r => r.Id == runId).Select(r => r.Status).SingleAsync());
            Assert.Equal(StepStatus.Interrupted, await db.StepRuns.Where(s => s.RunId == runId && s.StepId == "sft").Select(s => s.Status).SingleAsync());
        }

        (exit, output, err) = await _cli.RunAsync("resume", runId);
        Assert.True(exit == 0, output + err);
        var resumed = await SftOfAsync(runId);
        Assert.Contains(resumed.Logs, l => l.StartsWith("resuming from step ", StringComparison.Ordinal));
        Assert.Equal(reference.Checkpoint, resumed.Checkpoint);
        Assert.Equal(reference.Metrics, resumed.Metrics);
    }

    [Fact]
    public async Task KilledRun_IsInterruptedAtOnce_AndResumesFromItsSavedStep()
    {
        var file = _cli.Write("chaos.yaml", Workflow);
        await using var t1 = CliProcess.Start(_cli.WorkDir, "run", file);
        var runId = await t1.RunIdAsync(TimeSpan.FromMinutes(1));
        await WaitForSavedStateAsync(runId, t1);
        t1.Signal("KILL");
        Assert.Equal(137, await t1.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var (exit, show, _) = await _cli.RunAsync("show", runId);
        Assert.Equal(0, exit);
        Assert.Contains("interrupted", show);
        Assert.Contains($"interrupted: the process that ran it", show);

        var (resumeExit, output, err) = await _cli.RunAsync("resume", runId);
        Assert.True(resumeExit == 0, output + err);
        var sft = await SftOfAsync(runId);
        Assert.Contains(sft.Logs, l => l.StartsWith("resuming from step ", StringComparison.Ordinal));
    }
}
