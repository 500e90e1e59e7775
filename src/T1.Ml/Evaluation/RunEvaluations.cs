using System.Text.Json;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Ml.Evaluation;

/// <summary>
/// Reads the evaluation reports of a run — one reading for the portal's run page and the CLI's
/// summary (`t1 run`, `t1 show`), so neither carries the other's code: the CLI and workers need no web UI.
/// </summary>
public sealed class RunEvaluations(ArtifactCache cache)
{
    /// <summary>
    /// The reports of the run's succeeded evaluate steps, in step order. A report that cannot be read comes back
    /// with its error instead of failing the caller.
    /// </summary>
    public async Task<IReadOnlyList<RunEvaluation>> OfRunAsync(RunDetails run, CancellationToken ct = default)
    {
        var result = new List<RunEvaluation>();
        foreach (var s in run.Steps.Where(s => s.StepType == "evaluate" && s.Status == StepStatus.Succeeded))
        {
            if (!ArtifactRef.TryParse(StepJson.Member(s.OutputsJson, "report"), out var reference)) continue;
            try
            {
                var folder = await cache.GetLocalPathAsync(reference, ct);
                result.Add(new RunEvaluation(run.Run.Id, s.StepId, reference.Sha256, EvaluationReport.Load(folder), null));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or JsonException or ArtifactNotFoundException)
            {
                result.Add(new RunEvaluation(run.Run.Id, s.StepId, reference.Sha256, null, e));
            }
        }
        return result;
    }
}
