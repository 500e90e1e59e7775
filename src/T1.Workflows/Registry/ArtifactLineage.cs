using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Registry;

/// <summary>
/// One artifact's neighbourhood, read from what the runs recorded: the run steps that wrote it (with the artifacts they
/// read), the run steps whose inputs name it (with the artifacts they wrote), and the model versions registered with it.
/// One level each way; every artifact in it has its own lineage to follow further.
/// </summary>
public sealed class ArtifactLineage(DatabaseFactory database)
{
    /// <summary>At most this many producing and this many consuming steps are read (newest first).</summary>
    public const int MaxSteps = 50;

    /// <summary>The lineage of <paramref name="sha256"/>; null when no run, step or model version knows it.</summary>
    public async Task<ArtifactLineageGraph?> OfAsync(string sha256, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var outputs = await db.Artifacts.AsNoTracking().Where(a => a.Sha256 == sha256).OrderByDescending(a => a.Id).Take(MaxSteps).ToListAsync(ct);
        var like = "%" + sha256 + "%";
        var consumers = await db.StepRuns.AsNoTracking().Where(s => s.InputsJson != null && EF.Functions.Like(s.InputsJson, like))
            .OrderByDescending(s => s.Id).Take(MaxSteps).ToListAsync(ct);
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.CheckpointSha256 == sha256 || v.ReportSha256 == sha256)
            .OrderBy(v => v.ModelName).ThenBy(v => v.Version).ToListAsync(ct);
        if (outputs.Count == 0 && consumers.Count == 0 && versions.Count == 0) return null;

        var madeBy = new List<LineageStep>();
        foreach (var o in outputs.DistinctBy(o => (o.RunId, o.StepId)))
        {
            var step = await db.StepRuns.AsNoTracking().Where(s => s.RunId == o.RunId && s.StepId == o.StepId)
                .OrderByDescending(s => s.Id).FirstOrDefaultAsync(ct);
            madeBy.Add(new LineageStep(o.RunId, o.StepId, step?.StepType ?? "unknown", o.Name, await OriginsAsync(db, ModelLineage.Refs(step?.InputsJson), ct)));
        }
        var usedBy = new List<LineageStep>();
        foreach (var s in consumers.DistinctBy(s => (s.RunId, s.StepId)))
        {
            var outs = await OriginsAsync(db, ModelLineage.Refs(s.OutputsJson).Where(x => x != sha256), ct);
            usedBy.Add(new LineageStep(s.RunId, s.StepId, s.StepType, InputName(s.InputsJson, sha256), outs));
        }
        var names = versions.Select(v => v.ModelName).Distinct().ToList();
        var champions = await db.Models.AsNoTracking().Where(m => names.Contains(m.Name))
            .ToDictionaryAsync(m => m.Name, m => m.ChampionVersion, ct);
        var models = versions.Select(v => new LineageModel(v.ModelName, v.Version, v.CheckpointSha256 == sha256 ? "checkpoint" : "report",
            champions.GetValueOrDefault(v.ModelName) == v.Version, v.ArchivedAt is not null)).ToList();
        var first = await db.Artifacts.AsNoTracking().Where(a => a.Sha256 == sha256).OrderBy(a => a.Id).FirstOrDefaultAsync(ct);
        var artifact = new ArtifactOrigin(sha256, first?.Kind ?? (versions.Any(v => v.CheckpointSha256 == sha256) ? "checkpoint" : "unknown"),
            first?.RunId, first?.StepId, first?.Name);
        return new ArtifactLineageGraph(artifact, madeBy, usedBy, models);
    }

    /// <summary>The artifacts named by sha256, with the run/step output that first produced each (in the given order).</summary>
    private static async Task<IReadOnlyList<ArtifactOrigin>> OriginsAsync(T1DbContext db, IEnumerable<string> shas, CancellationToken ct)
    {
        var list = shas.Distinct().ToList();
        if (list.Count == 0) return [];
        var known = (await db.Artifacts.AsNoTracking().Where(a => list.Contains(a.Sha256)).OrderBy(a => a.Id).ToListAsync(ct))
            .GroupBy(a => a.Sha256).ToDictionary(g => g.Key, g => g.First());
        return list.Select(sha => known.TryGetValue(sha, out var a)
            ? new ArtifactOrigin(sha, a.Kind, a.RunId, a.StepId, a.Name)
            : new ArtifactOrigin(sha, "unknown", null, null, null)).ToList();
    }

    /// <summary>The top-level `with:` input whose value names the artifact (null when it is nested deeper or not found).</summary>
    private static string? InputName(string? inputsJson, string sha256)
    {
        if (inputsJson is null) return null;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(inputsJson) as System.Text.Json.Nodes.JsonObject;
            return node?.FirstOrDefault(kv => kv.Value?.ToJsonString().Contains(sha256, StringComparison.Ordinal) == true).Key;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>One run step next to the artifact: <see cref="Port"/> is the output it wrote it as (producer) or the input it read it through (consumer); <see cref="Artifacts"/> are what it read (producer) or wrote (consumer).</summary>
public sealed record LineageStep(string RunId, string StepId, string StepType, string? Port, IReadOnlyList<ArtifactOrigin> Artifacts);

/// <summary>A model version registered with the artifact, as its checkpoint or its evaluation report.</summary>
public sealed record LineageModel(string ModelName, int Version, string Role, bool Champion, bool Archived);

/// <summary>An artifact, the steps that made it, the steps and model versions that used it.</summary>
public sealed record ArtifactLineageGraph(ArtifactOrigin Artifact, IReadOnlyList<LineageStep> MadeBy, IReadOnlyList<LineageStep> UsedBy, IReadOnlyList<LineageModel> Models);
