using System.Buffers.Binary;
using System.Text;
using T1.Ml.Evaluation;
using T1.Server.Portal;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Portal.Artifacts;

/// <summary>
/// A finished run with the folders the T1 steps write, stored as they store them: an <c>sft</c> checkpoint
/// (config.json, a hand-written model.safetensors, a tokenizer/ subfolder) and an <c>eval</c> report (report.json,
/// traces.jsonl with one wrong answer per budget, budget_curve.png drawn by the evaluate step's own chart code).
/// </summary>
public static class ArtifactRunFixture
{
    /// <summary>Tensors of the checkpoint: 16·8 + 8 + 8·16 = 264 parameters.</summary>
    public static readonly (string Name, string Dtype, long[] Shape)[] Tensors =
        [("model.embed_tokens.weight", "F32", [16, 8]), ("model.norm.weight", "F32", [8]), ("lm_head.weight", "BF16", [8, 16])];

    public sealed record Stored(string RunId, string Checkpoint, string Report);

    public static async Task<Stored> StoreAsync(PortalServer server, string runId)
    {
        var now = DateTime.UtcNow;
        await using var db = server.Get<DatabaseFactory>().Create();
        db.Runs.Add(new RunRecord
        {
            Id = runId, WorkflowName = "t1-artifacts", DefinitionVersion = 1, Status = RunStatus.Succeeded, Trigger = RunTrigger.Api,
            ParamsJson = "{}", CreatedAt = now.AddMinutes(-3), FinishedAt = now,
        });
        var checkpoint = await PutFolderAsync(server, db, runId, "sft", "checkpoint", "checkpoint", WriteCheckpoint);
        var report = await PutFolderAsync(server, db, runId, "eval", "report", TraceReports.ReportKind, WriteReport);
        foreach (var (step, type, outputs) in new[] { ("sft", "sft", $$"""{"checkpoint": "t1://artifacts/{{checkpoint}}"}"""), ("eval", "evaluate", $$"""{"report": "t1://artifacts/{{report}}"}""") })
            db.StepRuns.Add(new StepRunRecord
            {
                RunId = runId, StepId = step, StepType = type, Queue = "cpu", Status = StepStatus.Succeeded, Attempt = 1,
                StartedAt = now.AddMinutes(-2), FinishedAt = now.AddMinutes(-1), OutputsJson = outputs, InputsJson = "{}",
            });
        await db.SaveChangesAsync();
        return new Stored(runId, checkpoint, report);
    }

    private static async Task<string> PutFolderAsync(PortalServer server, T1DbContext db, string runId, string step, string name, string kind, Action<string> write)
    {
        var dir = Path.Combine(server.Directory, $"fixture-{runId}-{step}");
        Directory.CreateDirectory(dir);
        write(dir);
        var (manifest, content) = await ArtifactManifest.PutDirectoryAsync(server.Get<ArtifactStore>(), dir, CancellationToken.None);
        db.Artifacts.Add(new ArtifactRecord
        {
            RunId = runId, StepId = step, Name = name, Sha256 = manifest.Sha256, Layout = "dir", Kind = kind, Size = content.TotalSize, CreatedAt = DateTime.UtcNow,
        });
        return manifest.Sha256;
    }

    private static void WriteCheckpoint(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "qwen2", "hidden_size": 8, "num_hidden_layers": 1, "vocab_size": 16, "tie_word_embeddings": false}""");
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), Safetensors(Tensors));
        Directory.CreateDirectory(Path.Combine(dir, "tokenizer"));
        File.WriteAllText(Path.Combine(dir, "tokenizer", "merges.txt"), "#version: 0.2\nh e\nhe llo\n");
    }

    /// <summary>A safetensors file by the format's definition (8-byte length, JSON header, zero data).</summary>
    public static byte[] Safetensors(IEnumerable<(string Name, string Dtype, long[] Shape)> tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var (name, dtype, shape) in tensors)
        {
            var size = shape.Aggregate(1L, (a, d) => a * d) * (dtype == "BF16" ? 2 : 4);
            header.Append($",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + size}]}}");
            offset += size;
        }
        var json = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        var bytes = new byte[8 + json.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static void WriteReport(string dir)
    {
        int[] budgets = [16, 64];
        var report = new EvaluationReport
        {
            Checkpoint = "t1://artifacts/fixture", Dataset = "arithmetic (held-out)", Problems = 2, Samples = 1, Label = "eval",
            Budgets = budgets.Select((b, i) => new BudgetResult { Budget = b, Accuracy = 0.5 + 0.5 * i, MeanThinkingTokens = b * 0.5, TruncationRate = 0.5 - 0.5 * i, ParsableRate = 1, Responses = 2 }).ToList(),
        };
        var traces = budgets.SelectMany(b => new[]
        {
            new EvaluationTrace { Budget = b, ProblemId = "p1", Prompt = "3 + 4 * 2 = ?", Reference = "11", ThinkingTokens = 8, Response = "<think>4*2=8, 3+8=11</think> 11", Extracted = "11", Correct = true, Reason = "equal" },
            new EvaluationTrace { Budget = b, ProblemId = "p2", Prompt = "9 - 2 * 3 = ?", Reference = "3", ThinkingTokens = b, Truncated = true, Response = "<think>9-2=7, 7*3=21</think> 21", Extracted = "21", Correct = false, Reason = "21 != 3" },
        }).ToList();
        EvaluationFolder.Write(dir, new BudgetEvaluation(report, traces));
    }
}
