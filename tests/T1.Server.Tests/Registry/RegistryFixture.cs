using T1.Server.Tests.Portal;
using T1.Storage.Database;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Registry;

/// <summary>
/// A T1 run as the steps record it (synthesize → sft → rl → evaluate → promote: each step's inputs name the artifacts
/// it read) and the model version its promote step registered: what a version's lineage is read from.
/// </summary>
public static class RegistryFixture
{
    public static readonly string Dataset = new('d', 64), Sft = new('c', 64), Rl = new('b', 64), Report = new('e', 64);

    public static async Task<PromotionOutcome> StoreAsync(PortalServer server, string runId = "lineagerun01")
    {
        var now = DateTime.UtcNow;
        await using (var db = server.Get<DatabaseFactory>().Create())
        {
            db.Runs.Add(new RunRecord { Id = runId, WorkflowName = "t1-tiny", DefinitionVersion = 1, Status = RunStatus.Succeeded, Trigger = RunTrigger.Api, ParamsJson = "{}", CreatedAt = now, FinishedAt = now });
            void Step(string id, string type, string inputs, string outputs) => db.StepRuns.Add(new StepRunRecord
            {
                RunId = runId, StepId = id, StepType = type, Queue = "cpu", Status = StepStatus.Succeeded, Attempt = 1, StartedAt = now, FinishedAt = now,
                InputsJson = inputs, OutputsJson = outputs,
            });
            void Artifact(string step, string name, string sha, string kind, string layout) => db.Artifacts.Add(new ArtifactRecord
            {
                RunId = runId, StepId = step, Name = name, Sha256 = sha, Layout = layout, Kind = kind, Size = 10, CreatedAt = now,
            });
            Step("synth", "synthesize", """{"task": "linear"}""", $$"""{"dataset": "t1://artifacts/{{Dataset}}"}""");
            Artifact("synth", "dataset", Dataset, "dataset", "file");
            Step("sft", "sft", $$"""{"dataset": "t1://artifacts/{{Dataset}}", "epochs": 2}""", $$"""{"checkpoint": "t1://artifacts/{{Sft}}"}""");
            Artifact("sft", "checkpoint", Sft, "checkpoint", "dir");
            Step("rl", "rl", $$"""{"init": "t1://artifacts/{{Sft}}", "dataset": "t1://artifacts/{{Dataset}}"}""", $$"""{"checkpoint": "t1://artifacts/{{Rl}}"}""");
            Artifact("rl", "checkpoint", Rl, "checkpoint", "dir");
            Step("eval-rl", "evaluate", $$"""{"checkpoint": "t1://artifacts/{{Rl}}"}""", $$"""{"report": "t1://artifacts/{{Report}}"}""");
            Artifact("eval-rl", "report", Report, "evaluation-report", "dir");
            await db.SaveChangesAsync();
        }
        return await server.Get<ModelRegistry>().PromoteAsync(
            new PromotionCandidate("tiny", $"run:{runId}/promote", Rl, Report, new Dictionary<int, double> { [64] = 0.4 }, runId, "promote"),
            PromotionRule.Parse("accuracy@64"), 0);
    }
}
