using System.Text.Json;
using T1.Ml.Evaluation;
using T1.Server.Portal;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Portal;

/// <summary>
/// A finished run as the T1 pipeline leaves it — two <c>evaluate</c> steps (sft, rl) with report folders
/// (report.json, traces.jsonl; sft's with greedy 95 % intervals) and a <c>promote</c> step with its decision — written straight into the store.
/// </summary>
public static class EvaluationRunFixture
{
    public static readonly int[] Budgets = [16, 64, 256];

    /// <summary>Stores the run and returns its id; <paramref name="gain"/> shifts every accuracy.</summary>
    public static async Task<string> StoreAsync(PortalServer server, string runId, double gain)
    {
        var now = DateTime.UtcNow;
        await using var db = server.Get<DatabaseFactory>().Create();
        db.Runs.Add(new RunRecord
        {
            Id = runId, WorkflowName = "t1-fixture", DefinitionVersion = 1, Status = RunStatus.Succeeded, Trigger = RunTrigger.Api,
            ParamsJson = $$"""{"gain": {{gain.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""", CreatedAt = now.AddMinutes(-3), FinishedAt = now,
        });
        foreach (var (step, accuracy) in new[] { ("eval-sft", 0.2 + gain), ("eval-rl", 0.4 + gain) })
        {
            var sha = await StoreReportAsync(server, db, runId, step, accuracy);
            db.StepRuns.Add(Step(runId, step, "evaluate", now, $$"""{"report": "t1://artifacts/{{sha}}"}"""));
        }
        db.StepRuns.Add(Step(runId, "promote", "promote", now,
            """{"decision": "promoted", "version": 2, "champion": 2, "reason": "better at budget 256: 0.6 > 0.4"}""",
            """{"model": "tiny-reasoner"}"""));
        await db.SaveChangesAsync();
        return runId;
    }

    private static StepRunRecord Step(string runId, string id, string type, DateTime now, string outputs, string? inputs = null) => new()
    {
        RunId = runId, StepId = id, StepType = type, Queue = "cpu", Status = StepStatus.Succeeded, Attempt = 1,
        StartedAt = now.AddMinutes(-2), FinishedAt = now.AddMinutes(-1), OutputsJson = outputs, InputsJson = inputs ?? "{}",
    };

    /// <summary>Greedy results of 12 problems at <paramref name="accuracy"/>, with the interval [accuracy − 0.1, accuracy + 0.15].</summary>
    public static PassResult Greedy(double accuracy) => new()
    {
        Accuracy = accuracy, CiLow = accuracy - 0.1, CiHigh = accuracy + 0.15, Samples = 1, Correct = (int)Math.Round(accuracy * 12), Responses = 12,
    };

    private static async Task<string> StoreReportAsync(PortalServer server, T1DbContext db, string runId, string step, double accuracy)
    {
        var dir = Path.Combine(server.Directory, $"report-{runId}-{step}");
        new EvaluationReport
        {
            Checkpoint = "t1://artifacts/fixture", Dataset = "arithmetic (held-out, difficulty 1)", Problems = 12, Samples = 1, Label = step,
            Budgets = Budgets.Select((b, i) => new BudgetResult
            {
                Budget = b, Accuracy = Math.Min(1, accuracy + 0.1 * i), MeanThinkingTokens = b * 0.7, TruncationRate = 0.5 - 0.15 * i,
                ParsableRate = 0.9, Responses = 12,
                // eval-sft's report has greedy results with their 95 % interval (accuracy −0.1 / +0.15); eval-rl's has none.
                Greedy = step == "eval-sft" ? Greedy(Math.Min(1, accuracy + 0.1 * i)) : null,
            }).ToList(),
        }.Save(dir);
        var traces = Budgets.Select(b => new EvaluationTrace
        {
            Budget = b, ProblemId = "p1", Prompt = "3 + 4 * 2 = ?", Reference = "11", ThinkingTokens = b / 2, Response = "<think>4*2=8, 3+8=11</think> 11",
            Extracted = "11", Correct = true, Reason = "equal",
        });
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        await File.WriteAllLinesAsync(Path.Combine(dir, EvaluationReport.TracesFileName), traces.Select(t => JsonSerializer.Serialize(t, options)));
        var (manifest, content) = await ArtifactManifest.PutDirectoryAsync(server.Get<ArtifactStore>(), dir, CancellationToken.None);
        db.Artifacts.Add(new ArtifactRecord
        {
            RunId = runId, StepId = step, Name = "report", Sha256 = manifest.Sha256, Layout = "dir",
            Kind = TraceReports.ReportKind, Size = content.TotalSize, CreatedAt = DateTime.UtcNow,
        });
        return manifest.Sha256;
    }
}
