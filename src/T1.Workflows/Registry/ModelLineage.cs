using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Registry;

/// <summary>
/// Where a model version comes from, read from what the runs recorded: the step that wrote its checkpoint, the
/// checkpoint that step started from, the datasets upstream of it, and the evaluation reports made of the checkpoint.
/// </summary>
public sealed partial class ModelLineage(DatabaseFactory database)
{
    /// <summary>How far upstream the walk goes (synthesize → sft → rl is three).</summary>
    private const int MaxDepth = 8;

    public async Task<VersionLineage> OfAsync(ModelVersionRecord version, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var checkpoint = await OriginAsync(db, version.CheckpointSha256, ct);
        ArtifactOrigin? parent = null;
        var datasets = new List<ArtifactOrigin>();
        var seen = new HashSet<string> { version.CheckpointSha256 };
        var frontier = new List<ArtifactOrigin> { checkpoint };
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<ArtifactOrigin>();
            foreach (var node in frontier.Where(n => n.RunId is not null))
            {
                var inputs = await db.StepRuns.AsNoTracking().Where(s => s.RunId == node.RunId && s.StepId == node.StepId).Select(s => s.InputsJson).FirstOrDefaultAsync(ct);
                foreach (var sha in Refs(inputs).Where(seen.Add))
                {
                    var origin = await OriginAsync(db, sha, ct);
                    if (origin.Kind == "checkpoint") parent ??= origin;
                    if (origin.Kind == "dataset") datasets.Add(origin);
                    next.Add(origin);
                }
            }
            frontier = next;
        }
        var reports = new List<ArtifactOrigin>();
        if (version.ReportSha256 is { } report) reports.Add(await OriginAsync(db, report, ct));
        var like = "%" + version.CheckpointSha256 + "%";
        var evaluations = await db.StepRuns.AsNoTracking()
            .Where(s => s.StepType == "evaluate" && s.InputsJson != null && EF.Functions.Like(s.InputsJson, like)).ToListAsync(ct);
        foreach (var e in evaluations)
            foreach (var sha in Refs(e.OutputsJson).Where(sha => reports.All(r => r.Sha256 != sha)))
                reports.Add(await OriginAsync(db, sha, ct));
        return new VersionLineage(checkpoint, parent, datasets, reports);
    }

    /// <summary>The sha256 of every <c>t1://artifacts/…</c> reference in a JSON text, in order.</summary>
    public static IEnumerable<string> Refs(string? json) =>
        json is null ? [] : ArtifactRefPattern().Matches(json).Select(m => m.Groups[1].Value).Distinct();

    private static async Task<ArtifactOrigin> OriginAsync(T1DbContext db, string sha, CancellationToken ct)
    {
        var a = await db.Artifacts.AsNoTracking().Where(x => x.Sha256 == sha).OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        return new ArtifactOrigin(sha, a?.Kind ?? "unknown", a?.RunId, a?.StepId, a?.Name);
    }

    [GeneratedRegex("t1://artifacts/([0-9a-f]{64})")]
    private static partial Regex ArtifactRefPattern();
}

/// <summary>An artifact and the run/step output that first produced it (nulls when no run has it, e.g. imported by hand).</summary>
public sealed record ArtifactOrigin(string Sha256, string Kind, string? RunId, string? StepId, string? Name);

/// <summary>A version's lineage: its checkpoint, the checkpoint it was trained from, the datasets upstream, its evaluation reports.</summary>
public sealed record VersionLineage(ArtifactOrigin Checkpoint, ArtifactOrigin? ParentCheckpoint, IReadOnlyList<ArtifactOrigin> Datasets, IReadOnlyList<ArtifactOrigin> Reports);
