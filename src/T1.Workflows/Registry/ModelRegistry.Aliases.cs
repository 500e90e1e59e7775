using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Registry;

/// <summary>Named aliases with the history of every move, per-version description and tags, archiving, and resolving <c>NAME@alias</c>.</summary>
public sealed partial class ModelRegistry
{
    /// <summary>The alias promotions move; it mirrors <see cref="ModelRecord.ChampionVersion"/>.</summary>
    public const string ChampionAlias = "champion";

    /// <summary>
    /// Points <paramref name="alias"/> of <paramref name="modelName"/> at <paramref name="version"/> and records the move
    /// (who, when, why). Moving <c>champion</c> is a manual promotion and is recorded as a decision too.
    /// </summary>
    public async Task<AliasEventRecord> SetAliasAsync(string modelName, string alias, int version, string user, string? reason, CancellationToken ct = default)
    {
        ValidateAlias(alias);
        var why = string.IsNullOrWhiteSpace(reason) ? $"set by hand by {user}" : reason.Trim();
        if (alias == ChampionAlias)
        {
            await PromoteManuallyAsync(modelName, version, user, ct, why);
            await using var read = database.Create();
            return await read.AliasEvents.AsNoTracking().Where(e => e.ModelName == modelName && e.Alias == alias).OrderByDescending(e => e.Id).FirstAsync(ct);
        }
        await using var db = database.Create();
        // a transient database error replays the whole move (PostgresRetryStrategy)
        return await db.InTransactionAsync(async token =>
        {
            var v = await RequireVersionAsync(db, modelName, version, token);
            if (v.ArchivedAt is not null)
                throw new RegistryException($"model '{modelName}' version {version} is archived; restore it (t1 models restore {modelName} {version}) before pointing an alias at it");
            var current = await db.ModelAliases.AsNoTracking().FirstOrDefaultAsync(a => a.ModelName == modelName && a.Alias == alias, token);
            return await MoveAliasAsync(db, modelName, alias, current?.Version, version, user, why, null, DateTime.UtcNow, token);
        }, ct);
    }

    /// <summary>Removes an alias (never <c>champion</c>: it can only be moved), recording who and why.</summary>
    public async Task<AliasEventRecord> RemoveAliasAsync(string modelName, string alias, string user, string? reason, CancellationToken ct = default)
    {
        if (alias == ChampionAlias)
            throw new RegistryException($"the champion alias of '{modelName}' cannot be removed, only moved: `t1 models alias set {modelName} champion VERSION`");
        await using var db = database.Create();
        return await db.InTransactionAsync(async token =>
        {
            var current = await db.ModelAliases.AsNoTracking().FirstOrDefaultAsync(a => a.ModelName == modelName && a.Alias == alias, token)
                          ?? throw new RegistryException($"model '{modelName}' has no alias '{alias}'; `t1 models show {modelName}` lists its aliases", notFound: true);
            return await MoveAliasAsync(db, modelName, alias, current.Version, null, user,
                string.IsNullOrWhiteSpace(reason) ? $"removed by hand by {user}" : reason.Trim(), null, DateTime.UtcNow, token);
        }, ct);
    }

    /// <summary>Sets what is given (description, tags — replacing all — , archived) on a version; null leaves a field as it is.</summary>
    public async Task<ModelVersionRecord> UpdateVersionAsync(string modelName, int version, string? description, IReadOnlyDictionary<string, string>? tags,
        bool? archived, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var v = await RequireVersionAsync(db, modelName, version, ct);
        if (archived == true && v.ArchivedAt is null)
        {
            var pointing = await db.ModelAliases.AsNoTracking().Where(a => a.ModelName == modelName && a.Version == version).Select(a => a.Alias).ToListAsync(ct);
            if (pointing.Count > 0)
                throw new RegistryException($"model '{modelName}' version {version} is what alias {string.Join(", ", pointing)} points at; move the alias first, then archive it");
            v.ArchivedAt = DateTime.UtcNow;
        }
        else if (archived == false) v.ArchivedAt = null;
        if (description is not null) v.Description = description.Trim().Length == 0 ? null : description.Trim();
        if (tags is not null)
        {
            foreach (var key in tags.Keys.Where(k => string.IsNullOrWhiteSpace(k) || k.Length > 100))
                throw new RegistryException($"tag name '{key}' is not valid: 1 to 100 characters");
            v.TagsJson = JsonSerializer.Serialize(new SortedDictionary<string, string>(tags.ToDictionary(), StringComparer.Ordinal));
        }
        await db.SaveChangesAsync(ct);
        return v;
    }

    /// <summary>A version's tags.</summary>
    public static IReadOnlyDictionary<string, string> Tags(ModelVersionRecord version) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(version.TagsJson) ?? [];

    /// <summary>
    /// The one way to turn a model reference into a version: <c>NAME@alias</c> (<c>NAME@champion</c>, <c>NAME@staging</c>),
    /// <c>NAME@v3</c> or <c>NAME@3</c> (a version), <c>NAME@latest</c> (the newest version not archived), or <c>NAME</c>
    /// (its champion). Throws <see cref="RegistryException"/> saying what exists when it does not resolve.
    /// </summary>
    public async Task<ResolvedModel> ResolveAsync(string reference, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var at = reference.LastIndexOf('@');
        var name = at < 0 ? reference.Trim() : reference[..at].Trim();
        var selector = at < 0 ? ChampionAlias : reference[(at + 1)..].Trim();
        await using var db = database.Create();
        if (!await db.Models.AnyAsync(m => m.Name == name, ct))
            throw new RegistryException($"model '{name}' is not registered; `t1 models` lists the registered ones", notFound: true);
        ModelVersionRecord? v;
        string? alias = null;
        var number = selector.StartsWith('v') ? selector[1..] : selector;
        if (int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            v = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(x => x.ModelName == name && x.Version == n, ct)
                ?? throw new RegistryException($"model '{name}' has no version {n}; `t1 models show {name}` lists its versions", notFound: true);
        else if (selector == "latest")
            v = await db.ModelVersions.AsNoTracking().Where(x => x.ModelName == name && x.ArchivedAt == null).OrderByDescending(x => x.Version).FirstOrDefaultAsync(ct)
                ?? throw new RegistryException($"model '{name}' has no version that is not archived");
        else
        {
            var a = await db.ModelAliases.AsNoTracking().FirstOrDefaultAsync(x => x.ModelName == name && x.Alias == selector, ct);
            if (a is null)
            {
                var known = await db.ModelAliases.AsNoTracking().Where(x => x.ModelName == name).Select(x => x.Alias).OrderBy(x => x).ToListAsync(ct);
                throw new RegistryException($"model '{name}' has no alias '{selector}'; its aliases: {(known.Count == 0 ? "none yet" : string.Join(", ", known))}", notFound: true);
            }
            alias = a.Alias;
            v = await db.ModelVersions.AsNoTracking().FirstAsync(x => x.ModelName == name && x.Version == a.Version, ct);
        }
        return new ResolvedModel(name, v.Version, alias, v.CheckpointSha256, v);
    }

    private static async Task<ModelVersionRecord> RequireVersionAsync(T1DbContext db, string modelName, int version, CancellationToken ct)
    {
        if (!await db.Models.AnyAsync(m => m.Name == modelName, ct))
            throw new RegistryException($"model '{modelName}' is not registered; `t1 models` lists the registered ones", notFound: true);
        return await db.ModelVersions.FirstOrDefaultAsync(x => x.ModelName == modelName && x.Version == version, ct)
               ?? throw new RegistryException($"model '{modelName}' has no version {version}; `t1 models show {modelName}` lists its versions", notFound: true);
    }

    /// <summary>Upserts (or deletes, for <paramref name="to"/> null) the alias row and appends the event, inside the caller's transaction.</summary>
    private static async Task<AliasEventRecord> MoveAliasAsync(T1DbContext db, string modelName, string alias, int? from, int? to, string by, string reason,
        long? decisionId, DateTime now, CancellationToken ct)
    {
        var row = await db.ModelAliases.FirstOrDefaultAsync(a => a.ModelName == modelName && a.Alias == alias, ct);
        if (to is { } version)
        {
            if (row is null) db.ModelAliases.Add(new ModelAliasRecord { ModelName = modelName, Alias = alias, Version = version, UpdatedBy = by, UpdatedAt = now });
            else
            {
                row.Version = version;
                row.UpdatedBy = by;
                row.UpdatedAt = now;
            }
        }
        else if (row is not null) db.ModelAliases.Remove(row);
        var e = new AliasEventRecord { ModelName = modelName, Alias = alias, FromVersion = from, ToVersion = to, By = by, Reason = reason, DecisionId = decisionId, At = now };
        db.AliasEvents.Add(e);
        await db.SaveChangesAsync(ct);
        return e;
    }

    private static void ValidateAlias(string alias)
    {
        if (string.IsNullOrWhiteSpace(alias) || alias.Length > 100 || alias == "latest" || alias.All(char.IsAsciiDigit)
            || alias[0] == 'v' && alias.Length > 1 && alias[1..].All(char.IsAsciiDigit)
            || alias.Any(ch => !(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch is '-' or '_')))
            throw new RegistryException($"alias '{alias}' is not valid; use lowercase letters, digits, '-' or '_' (at most 100), not 'latest' or a version like 'v3' (those name versions), e.g. staging");
    }
}

/// <summary>What a model reference resolved to: the model, the version, the alias that led there (if any), its checkpoint.</summary>
public sealed record ResolvedModel(string ModelName, int Version, string? Alias, string CheckpointSha256, ModelVersionRecord Record);
