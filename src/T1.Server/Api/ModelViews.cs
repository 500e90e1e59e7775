using T1.Storage.Database;
using T1.Workflows.Registry;

namespace T1.Server.Api;

/// <summary>Body of <c>POST /api/models/{name}/promote</c>.</summary>
public sealed record ManualPromotionRequest(int Version);

/// <summary>Body of <c>PUT /api/models/{name}/aliases/{alias}</c>: the version, and why (kept in the alias history).</summary>
public sealed record AliasRequest(int Version, string? Reason);

/// <summary>Body of <c>PATCH /api/models/{name}/versions/{version}</c>: fields left null are not changed; tags replace all tags.</summary>
public sealed record VersionUpdateRequest(string? Description, Dictionary<string, string>? Tags, bool? Archived);

/// <summary>A model as the API shows it: aliases by name, versions, every alias move and promotion decision (newest first).</summary>
public sealed record ModelView(string Name, int? Champion, IReadOnlyDictionary<string, int> Aliases, IReadOnlyList<ModelVersionView> Versions,
    IReadOnlyList<AliasEventView> AliasHistory, IReadOnlyList<PromotionDecisionRecord> Decisions)
{
    public static ModelView From(ModelDetails m) => new(m.Model.Name, m.Model.ChampionVersion, m.Aliases.ToDictionary(a => a.Alias, a => a.Version),
        m.Versions.Select(v => ModelVersionView.From(v, m)).ToList(), m.AliasHistory.Select(AliasEventView.From).ToList(), m.Decisions);
}

/// <summary>One model version in the API.</summary>
public sealed record ModelVersionView(int Version, string Checkpoint, string? Report, IReadOnlyDictionary<int, double> Accuracy, string? RunId, string? StepId,
    DateTime CreatedAt, IReadOnlyList<string> Aliases, string? Description, IReadOnlyDictionary<string, string> Tags, DateTime? ArchivedAt)
{
    public static ModelVersionView From(ModelVersionRecord v, ModelDetails m) => new(v.Version, "t1://artifacts/" + v.CheckpointSha256,
        v.ReportSha256 is null ? null : "t1://artifacts/" + v.ReportSha256, ModelRegistry.Accuracy(v), v.RunId, v.StepId, v.CreatedAt,
        m.AliasesOf(v.Version).ToList(), v.Description, ModelRegistry.Tags(v), v.ArchivedAt);
}

/// <summary>A version with where it comes from.</summary>
public sealed record ModelVersionDetailsView(ModelVersionView Version, VersionLineage Lineage);

/// <summary>One alias move: from and to (null: new / removed), who, why, when, and the promotion decision when one moved it.</summary>
public sealed record AliasEventView(string Alias, int? FromVersion, int? ToVersion, string By, string Reason, long? DecisionId, DateTime At)
{
    public static AliasEventView From(AliasEventRecord e) => new(e.Alias, e.FromVersion, e.ToVersion, e.By, e.Reason, e.DecisionId, e.At);
}

/// <summary>What a model reference resolved to.</summary>
public sealed record ResolvedView(string Model, int Version, string? Alias, string Checkpoint)
{
    public static ResolvedView From(ResolvedModel r) => new(r.ModelName, r.Version, r.Alias, "t1://artifacts/" + r.CheckpointSha256);
}
