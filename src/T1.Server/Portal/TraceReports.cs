using Microsoft.EntityFrameworkCore;
using T1.Ml.Evaluation;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Portal;

/// <summary>The evaluate reports the Traces page compares: their artifacts, and their per-problem traces.</summary>
public sealed class TraceReports(DatabaseFactory database, ArtifactCache cache)
{
    /// <summary>Kind the evaluate step gives its report folder.</summary>
    public const string ReportKind = "evaluation-report";

    /// <summary>The newest evaluate reports (at most 200).</summary>
    public async Task<IReadOnlyList<ArtifactRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Artifacts.AsNoTracking().Where(a => a.Kind == ReportKind)
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(200).ToListAsync(ct);
    }

    /// <summary>The traces of a report folder, fetched into the local artifact cache first.</summary>
    public async Task<IReadOnlyList<EvaluationTrace>> TracesAsync(string sha256, CancellationToken ct = default)
    {
        var folder = await cache.GetLocalPathAsync(new ArtifactRef(sha256), ct);
        return Directory.Exists(folder) && File.Exists(Path.Combine(folder, EvaluationReport.TracesFileName))
            ? EvaluationFolder.ReadTraces(folder).ToList()
            : [];
    }
}
