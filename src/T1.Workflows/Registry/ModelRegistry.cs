using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Registry;

/// <summary>
/// The model registry in the metadata store: versions (checkpoint, evaluation, producing run),
/// a <c>champion</c> alias per model, and every promotion decision with its evidence.
/// </summary>
public sealed partial class ModelRegistry(DatabaseFactory database)
{
    /// <summary>
    /// Registers <paramref name="candidate"/> as a new version (or, when the model already has a version with the same
    /// checkpoint sha256, takes that version) and decides whether it becomes champion.
    /// At least once: a step that runs twice (same <see cref="PromotionCandidate.Origin"/>) gets the first
    /// decision back instead of a second version.
    /// </summary>
    public async Task<PromotionOutcome> PromoteAsync(PromotionCandidate candidate, PromotionRule rule, double margin, CancellationToken ct = default)
    {
        ValidateName(candidate.ModelName);
        for (int attempt = 1; ; attempt++)
        {
            if (await FindAsync(candidate.Origin, ct) is { } earlier) return earlier;
            try
            {
                return await DecideAsync(candidate, rule, margin, ct);
            }
            catch (DbUpdateException) when (attempt < 20)
            {
                // another decision for this model (or this origin) committed first: read again and retry
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
    }

    /// <summary>Points the champion alias at <paramref name="version"/> by hand (admins), recording the decision.</summary>
    public async Task<PromotionOutcome> PromoteManuallyAsync(string modelName, int version, string user, CancellationToken ct = default, string? reason = null)
    {
        await using var db = database.Create();
        // a transient database error replays the whole decision (PostgresRetryStrategy)
        return await db.InTransactionAsync(async token =>
        {
            var model = await db.Models.FirstOrDefaultAsync(m => m.Name == modelName, token)
                        ?? throw new RegistryException($"model '{modelName}' is not registered; `t1 models` lists the registered ones", notFound: true);
            var v = await db.ModelVersions.FirstOrDefaultAsync(x => x.ModelName == modelName && x.Version == version, token)
                    ?? throw new RegistryException($"model '{modelName}' has no version {version}; `t1 models show {modelName}` lists its versions", notFound: true);
            if (v.ArchivedAt is not null)
                throw new RegistryException($"model '{modelName}' version {version} is archived; restore it (t1 models restore {modelName} {version}) before promoting it");
            var now = DateTime.UtcNow;
            var decision = new PromotionDecisionRecord
            {
                ModelName = modelName, Origin = "manual:" + Guid.NewGuid().ToString("N"), CandidateVersion = version,
                ChampionVersion = model.ChampionVersion, Promoted = true, Metric = "manual", Margin = 0,
                Reason = reason ?? $"promoted by hand by {user}", DecidedBy = user, DecidedAt = now,
            };
            var previous = model.ChampionVersion;
            model.ChampionVersion = version;
            model.UpdatedAt = now;
            db.PromotionDecisions.Add(decision);
            await db.SaveChangesAsync(token);
            await MoveAliasAsync(db, modelName, ChampionAlias, previous, version, user, decision.Reason, decision.Id, now, token);
            return new PromotionOutcome(decision, v);
        }, ct);
    }

    /// <summary>Every model with its champion and version count, by name.</summary>
    public async Task<IReadOnlyList<ModelSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
        var counts = await db.ModelVersions.AsNoTracking().GroupBy(v => v.ModelName)
            .Select(g => new { Name = g.Key, Count = g.Count(), Latest = g.Max(v => v.Version) }).ToListAsync(ct);
        return models.Select(m =>
        {
            var c = counts.FirstOrDefault(x => x.Name == m.Name);
            return new ModelSummary(m.Name, m.ChampionVersion, c?.Count ?? 0, c?.Latest, m.UpdatedAt);
        }).ToList();
    }

    /// <summary>A model's versions (newest first) and decisions (newest first); null when it is not registered.</summary>
    public async Task<ModelDetails?> GetAsync(string modelName, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Name == modelName, ct);
        if (model is null) return null;
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.ModelName == modelName)
            .OrderByDescending(v => v.Version).ToListAsync(ct);
        var decisions = (await db.PromotionDecisions.AsNoTracking().Where(d => d.ModelName == modelName).ToListAsync(ct))
            .OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.Id).ToList();
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => a.ModelName == modelName).OrderBy(a => a.Alias).ToListAsync(ct);
        var history = await db.AliasEvents.AsNoTracking().Where(e => e.ModelName == modelName).OrderByDescending(e => e.Id).ToListAsync(ct);
        return new ModelDetails(model, versions, decisions, aliases, history);
    }

    /// <summary>Accuracy per budget as stored on a version.</summary>
    public static IReadOnlyDictionary<int, double> Accuracy(ModelVersionRecord version) =>
        (JsonSerializer.Deserialize<Dictionary<string, double>>(version.AccuracyJson) ?? [])
        .ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value);

    private async Task<PromotionOutcome?> FindAsync(string origin, CancellationToken ct)
    {
        await using var db = database.Create();
        var d = await db.PromotionDecisions.AsNoTracking().FirstOrDefaultAsync(x => x.Origin == origin, ct);
        if (d is null) return null;
        var v = await db.ModelVersions.AsNoTracking().FirstAsync(x => x.ModelName == d.ModelName && x.Version == d.CandidateVersion, ct);
        return new PromotionOutcome(d, v);
    }

    private async Task<PromotionOutcome> DecideAsync(PromotionCandidate c, PromotionRule rule, double margin, CancellationToken ct)
    {
        await using var db = database.Create();
        // a transient database error replays the whole decision (PostgresRetryStrategy)
        return await db.InTransactionAsync(async token =>
        {
            var now = DateTime.UtcNow;
            var model = await db.Models.FirstOrDefaultAsync(m => m.Name == c.ModelName, token);
            if (model is null)
            {
                model = new ModelRecord { Name = c.ModelName, CreatedAt = now, UpdatedAt = now };
                db.Models.Add(model);
            }
            // The same checkpoint (same sha256) is the same model: its existing version is decided on again, no new version.
            var version = await db.ModelVersions.AsNoTracking().Where(v => v.ModelName == c.ModelName && v.CheckpointSha256 == c.CheckpointSha256)
                .OrderBy(v => v.Version).FirstOrDefaultAsync(token);
            var reused = version is not null;
            if (version is null)
            {
                int next = 1 + (await db.ModelVersions.Where(v => v.ModelName == c.ModelName).MaxAsync(v => (int?)v.Version, token) ?? 0);
                version = new ModelVersionRecord
                {
                    ModelName = c.ModelName, Version = next, CheckpointSha256 = c.CheckpointSha256, ReportSha256 = c.ReportSha256,
                    AccuracyJson = JsonSerializer.Serialize(c.Accuracy.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value)),
                    RunId = c.RunId, StepId = c.StepId, CreatedAt = now,
                };
                db.ModelVersions.Add(version);
            }

            IReadOnlyDictionary<int, double>? championAccuracy = null;
            if (model.ChampionVersion is { } cv)
                championAccuracy = Accuracy(await db.ModelVersions.AsNoTracking().FirstAsync(v => v.ModelName == c.ModelName && v.Version == cv, token));
            var verdict = rule.Decide(c.Accuracy, championAccuracy, margin);
            if (verdict.Promoted && c.Hold is { } hold)
                verdict = verdict with { Promoted = false, Reason = $"kept the champion: {hold} (otherwise {verdict.Reason})" };
            if (reused) verdict = Reused(version, model.ChampionVersion, verdict);

            var decision = new PromotionDecisionRecord
            {
                ModelName = c.ModelName, Origin = c.Origin, CandidateVersion = version.Version, ChampionVersion = model.ChampionVersion,
                Promoted = verdict.Promoted, Metric = rule.Metric, Margin = margin,
                CandidateValue = verdict.CandidateValue, ChampionValue = verdict.ChampionValue,
                Reason = verdict.Reason, DecidedBy = c.RunId is null ? c.Origin : $"run {c.RunId} step '{c.StepId}'", DecidedAt = now,
            };
            db.PromotionDecisions.Add(decision);
            var previous = model.ChampionVersion;
            if (verdict.Promoted) model.ChampionVersion = version.Version;
            model.UpdatedAt = now;
            await db.SaveChangesAsync(token);
            if (verdict.Promoted && previous != version.Version)
                await MoveAliasAsync(db, c.ModelName, ChampionAlias, previous, version.Version, decision.DecidedBy, decision.Reason, decision.Id, now, token);
            return new PromotionOutcome(decision, version);
        }, ct);
    }

    /// <summary>
    /// The verdict on a checkpoint the model already has as <paramref name="existing"/>: promoting it moves the champion back to that
    /// version; an archived version is not promoted (restore it first); the champion itself stays champion.
    /// </summary>
    private static PromotionVerdict Reused(ModelVersionRecord existing, int? champion, PromotionVerdict verdict)
    {
        var same = $"same checkpoint as v{existing.Version} (sha256 {existing.CheckpointSha256[..12]}…), no new version";
        if (champion == existing.Version)
            return verdict with { Promoted = true, Reason = $"{same}; v{existing.Version} is already champion" };
        if (verdict.Promoted && existing.ArchivedAt is not null)
            return verdict with { Promoted = false, Reason = $"kept the champion: {same}, and v{existing.Version} is archived (t1 models restore {existing.ModelName} {existing.Version} to promote it) (otherwise {verdict.Reason})" };
        return verdict with { Reason = $"{same}; {verdict.Reason}" };
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' or '/')))
            throw new RegistryException($"model name '{name}' is not valid; use letters, digits, '-', '_', '.' or '/' (at most 200 characters), e.g. t1-tiny");
    }
}

/// <summary>What a promote step hands the registry.</summary>
/// <param name="Origin">Unique per deciding step: <c>run:&lt;run&gt;/&lt;step&gt;</c>.</param>
/// <param name="Hold">Why the candidate may not become champion whatever the rule says (e.g. its gain is not significant); recorded in the decision.</param>
public sealed record PromotionCandidate(
    string ModelName, string Origin, string CheckpointSha256, string? ReportSha256,
    IReadOnlyDictionary<int, double> Accuracy, string? RunId, string? StepId, string? Hold = null);

/// <summary>The decision and the version it registered.</summary>
public sealed record PromotionOutcome(PromotionDecisionRecord Decision, ModelVersionRecord Version);

/// <summary>One line of <c>t1 models</c>.</summary>
public sealed record ModelSummary(string Name, int? ChampionVersion, int Versions, int? LatestVersion, DateTime UpdatedAt);

/// <summary>Everything about one model: versions, decisions and alias moves newest first; aliases by name.</summary>
public sealed record ModelDetails(ModelRecord Model, IReadOnlyList<ModelVersionRecord> Versions, IReadOnlyList<PromotionDecisionRecord> Decisions,
    IReadOnlyList<ModelAliasRecord> Aliases, IReadOnlyList<AliasEventRecord> AliasHistory)
{
    /// <summary>The aliases pointing at <paramref name="version"/>, by name.</summary>
    public IEnumerable<string> AliasesOf(int version) => Aliases.Where(a => a.Version == version).Select(a => a.Alias);
}

/// <summary>A registry request a user can fix (unknown model or version, bad name); <see cref="NotFound"/> when something named does not exist.</summary>
public sealed class RegistryException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}
