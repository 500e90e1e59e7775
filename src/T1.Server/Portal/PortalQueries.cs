using System.Globalization;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Server.Portal;

/// <summary>Reads the portal needs beyond <see cref="T1.Workflows.Engine.RunQueries"/>: sorted pages of runs, key metrics, latest definitions.</summary>
public sealed class PortalQueries(DatabaseFactory database)
{
    /// <summary>One page of runs, filtered, sorted by <paramref name="sort"/> (the grid's sort), and the total count.</summary>
    public async Task<(IReadOnlyList<RunRecord> Rows, int Total)> RunsAsync(Func<IQueryable<RunRecord>, IQueryable<RunRecord>> sort,
        int start, int count, string? workflow, RunStatus? status, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var q = db.Runs.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(workflow)) q = q.Where(r => r.WorkflowName.Contains(workflow.Trim()));
        if (status is { } s) q = q.Where(r => r.Status == s);
        var total = await q.CountAsync(ct);
        var rows = await sort(q).Skip(start).Take(count).ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>Per run, its key metric as "key = value": the last accuracy-like metric, else the last metric recorded.</summary>
    public async Task<Dictionary<string, string>> KeyMetricsAsync(IEnumerable<string> runIds, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var result = new Dictionary<string, string>();
        foreach (var id in runIds)
        {
            var m = await db.Metrics.AsNoTracking().Where(x => x.RunId == id && x.Key.Contains("accuracy")).OrderByDescending(x => x.Id).FirstOrDefaultAsync(ct)
                ?? await db.Metrics.AsNoTracking().Where(x => x.RunId == id).OrderByDescending(x => x.Id).FirstOrDefaultAsync(ct);
            if (m is not null) result[id] = $"{m.Key} = {m.Value.ToString("G4", CultureInfo.InvariantCulture)}";
        }
        return result;
    }

    /// <summary>The newest version of every workflow name, by name.</summary>
    public async Task<IReadOnlyList<DefinitionRecord>> LatestDefinitionsAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        var all = await db.Definitions.AsNoTracking().ToListAsync(ct);
        return all.GroupBy(d => d.Name).Select(g => g.MaxBy(d => d.Version)!).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<DefinitionRecord?> DefinitionAsync(long id, CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
    }

    /// <summary>The most recent runs, newest first (the Compare picker).</summary>
    public async Task<IReadOnlyList<RunRecord>> RecentRunsAsync(int count, CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Runs.AsNoTracking().OrderByDescending(r => r.CreatedAt).Take(count).ToListAsync(ct);
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Duration(DateTime? from, DateTime? to)
    {
        if (from is not { } a) return "";
        var d = (to ?? DateTime.UtcNow) - a;
        return d.TotalSeconds < 60 ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes} min {d.Seconds} s" : $"{(int)d.TotalHours} h {d.Minutes} min";
    }
}
