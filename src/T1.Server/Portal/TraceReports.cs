using Microsoft.EntityFrameworkCore;
using T1.Ml.Evaluation;
using T1.Server.Portal.Evaluation;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Portal;

/// <summary>The evaluate reports the portal shows: their artifacts, their budget curves (report.json) and their per-problem traces.</summary>
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

    /// <summary>
    /// The reports of the run's succeeded evaluate steps, in step order (<see cref="RunEvaluations"/>). A report that
    /// cannot be read comes back with its error instead of failing the page.
    /// </summary>
    public async Task<IReadOnlyList<StepEvaluation>> OfRunAsync(RunDetails run, CancellationToken ct = default) =>
        (await new RunEvaluations(cache).OfRunAsync(run, ct))
        .Select(e => new StepEvaluation(e.RunId, e.StepId, e.Sha256, e.Report,
            e.Failure is null ? null : $"cannot read the report of {e.StepId}: {ErrorText.Of(e.Failure)}"))
        .ToList();
}
