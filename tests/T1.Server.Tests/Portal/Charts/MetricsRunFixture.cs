using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Portal.Charts;

/// <summary>
/// A finished run shaped like t1-tiny's metrics, written straight into the store: <c>sft</c> logs loss and lr at 570
/// steps, <c>rl</c> logs reward at 25 steps, <c>eval</c> logs accuracy@16/@32/@128 once each. Every step's last
/// heartbeat text is left as it was when the step finished. The sft and rl steps have those types (their metrics
/// declare directions); eval is an echo.
/// </summary>
public static class MetricsRunFixture
{
    public const int SftSteps = 570, RlSteps = 25;
    public const string Checkpoint = "t1://artifacts/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// <param name="scale">multiplies every value, so two runs differ.</param>
    public static async Task<string> StoreAsync(PortalServer server, string runId, string workflow = "t1-metrics", string paramsJson = "{}", double scale = 1)
    {
        var now = DateTime.UtcNow;
        await using var db = server.Get<DatabaseFactory>().Create();
        db.Runs.Add(new RunRecord
        {
            Id = runId, WorkflowName = workflow, DefinitionVersion = 1, Status = RunStatus.Succeeded, Trigger = RunTrigger.Api,
            ParamsJson = paramsJson, CreatedAt = now.AddMinutes(-3), FinishedAt = now,
        });
        var sft = Step(runId, "sft", "sft", now, $$"""{"checkpoint": "{{Checkpoint}}", "final_loss": 0.31}""", $"step {SftSteps}/{SftSteps} · loss 0.31");
        var rl = Step(runId, "rl", "rl", now, "{}", $"step {RlSteps}/{RlSteps} · reward 0.6");
        var eval = Step(runId, "eval", "echo", now, """{"accuracy": 0.4}""", "budget 128: 12/12 problems");
        db.StepRuns.AddRange(sft, rl, eval);
        await db.SaveChangesAsync();
        for (var i = 0; i < SftSteps; i++)
        {
            db.Metrics.Add(Metric(runId, sft.Id, "loss", i, scale * (2.0 * Math.Exp(-i / 150.0) + 0.05 * Math.Sin(i)), now));
            db.Metrics.Add(Metric(runId, sft.Id, "lr", i, scale * 3e-4 * Math.Min(1, (i + 1) / 50.0), now));
        }
        for (var i = 0; i < RlSteps; i++) db.Metrics.Add(Metric(runId, rl.Id, "reward", i, scale * (0.2 + 0.016 * i), now));
        foreach (var (budget, accuracy) in new[] { (128, 0.4), (16, 0.1), (32, 0.25) })
            db.Metrics.Add(Metric(runId, eval.Id, $"accuracy@{budget}", 0, scale * accuracy, now));
        await db.SaveChangesAsync();
        return runId;
    }

    private static StepRunRecord Step(string runId, string id, string type, DateTime now, string outputs, string heartbeat) => new()
    {
        RunId = runId, StepId = id, StepType = type, Queue = "cpu", Status = StepStatus.Succeeded, Attempt = 1,
        StartedAt = now.AddMinutes(-2), FinishedAt = now.AddMinutes(-1), OutputsJson = outputs, InputsJson = "{}",
        ProgressDone = 1, ProgressTotal = 1, ProgressMessage = heartbeat,
    };

    private static MetricRecord Metric(string runId, long stepRunId, string key, long step, double value, DateTime now) =>
        new() { RunId = runId, StepRunId = stepRunId, Key = key, Step = step, Value = value, Time = now };
}
