using System.Text.Json;
using T1.Ml.Evaluation;
using T1.Server.Portal;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Portal;

/// <summary>Stores a small evaluate report folder (traces.jsonl) as an artifact of a made-up run, as the evaluate step would.</summary>
public static class TraceReportFixture
{
    public static async Task<string> StoreAsync(PortalServer server, string step, bool correct)
    {
        var dir = Path.Combine(server.Directory, "report-" + step);
        Directory.CreateDirectory(dir);
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var traces = new[] { 64, 128 }.Select(budget => new EvaluationTrace
        {
            Budget = budget, ProblemId = "p1", Prompt = "3 + 4 * 2 = ?", Reference = "11",
            ThinkingTokens = correct ? 20 : budget, Truncated = !correct,
            Response = correct ? "<think>4*2=8, 3+8=11. check: ok</think> 11" : "<think>3+4=7, 7*2=14 … </think> 14",
            Extracted = correct ? "11" : "14", Correct = correct, Reason = correct ? "equal" : "14 != 11",
        });
        await File.WriteAllLinesAsync(Path.Combine(dir, EvaluationReport.TracesFileName), traces.Select(t => JsonSerializer.Serialize(t, options)));
        var (manifest, content) = await ArtifactManifest.PutDirectoryAsync(server.Get<ArtifactStore>(), dir, CancellationToken.None);
        await using var db = server.Get<DatabaseFactory>().Create();
        db.Artifacts.Add(new ArtifactRecord
        {
            RunId = "fixture" + step, StepId = step, Name = "report", Sha256 = manifest.Sha256, Layout = "dir",
            Kind = TraceReports.ReportKind, Size = content.TotalSize, CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return manifest.Sha256;
    }
}
