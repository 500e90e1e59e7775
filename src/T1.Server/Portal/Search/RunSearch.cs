using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Server.Portal.Search;

/// <summary>
/// Runs that match a search (<see cref="RunSearchParser"/>), one sorted page at a time, counted and ordered by the database
/// (PostgreSQL or SQLite, <see cref="RunSearchSql"/>), and the values of the columns people pick for that page.
/// </summary>
public sealed class RunSearch(DatabaseFactory database)
{
    /// <summary>One page of matching runs and how many match; a query that cannot be read throws <see cref="SearchSyntaxException"/> before any SQL runs.</summary>
    /// <remarks>
    /// One statement filters, sorts and counts (<c>COUNT(*) OVER ()</c> is the number of matches before LIMIT): the
    /// search's condition, with its per-run metric subqueries, is evaluated once, not once for a count and again for
    /// the page. The page's rows are then read by primary key. Only a page past the last match (no row to carry the
    /// count) counts separately.
    /// </remarks>
    public async Task<RunSearchPage> SearchAsync(string? query, string? sortBy, bool descending, int offset, int limit, CancellationToken ct = default)
    {
        var expression = RunSearchParser.Parse(query);
        var sortField = string.IsNullOrWhiteSpace(sortBy) ? null : RunSearchParser.ParseField(sortBy);
        await using var db = database.Create();
        var page = RunSearchSql.For(db);
        var where = page.Where(expression);
        var order = page.OrderBy(sortField, descending);
        var sql = $"SELECT r.\"Id\" AS \"Id\", COUNT(*) OVER () AS \"Total\" FROM runs AS r WHERE {where} ORDER BY {order} " +
                  $"LIMIT {page.Arg(Math.Clamp(limit, 1, 1000))} OFFSET {page.Arg(Math.Max(0, offset))}";
        var hits = await db.Database.SqlQueryRaw<RunSearchHit>(sql, page.Args.ToArray()).ToListAsync(ct);
        if (hits.Count == 0)
        {
            if (offset <= 0) return new RunSearchPage([], 0);
            var count = RunSearchSql.For(db);
            var countSql = $"SELECT COUNT(*) AS \"Value\" FROM runs AS r WHERE {count.Where(expression)}";
            return new RunSearchPage([], (await db.Database.SqlQueryRaw<int>(countSql, count.Args.ToArray()).ToListAsync(ct))[0]);
        }
        var ids = hits.Select(h => h.Id).ToList();
        var rows = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(ct);
        var position = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        return new RunSearchPage(rows.OrderBy(r => position[r.Id]).ToList(), (int)hits[0].Total);
    }

    /// <summary>Per run, the last recorded value of each of <paramref name="keys"/> (as in a search's <c>metrics.KEY</c>).</summary>
    public async Task<Dictionary<(string RunId, string Key), double>> LastMetricsAsync(IReadOnlyCollection<string> runIds, IReadOnlyCollection<string> keys,
        CancellationToken ct = default)
    {
        if (runIds.Count == 0 || keys.Count == 0) return [];
        await using var db = database.Create();
        var last = await db.Metrics.AsNoTracking().Where(m => runIds.Contains(m.RunId) && keys.Contains(m.Key))
            .GroupBy(m => new { m.RunId, m.Key }).Select(g => g.Max(m => m.Id)).ToListAsync(ct);
        var rows = await db.Metrics.AsNoTracking().Where(m => last.Contains(m.Id)).ToListAsync(ct);
        return rows.ToDictionary(m => (m.RunId, m.Key), m => m.Value);
    }

    /// <summary>Every tag of the runs, by run.</summary>
    public async Task<ILookup<string, RunTagRecord>> TagsAsync(IReadOnlyCollection<string> runIds, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var tags = await db.RunTags.AsNoTracking().Where(t => runIds.Contains(t.RunId)).OrderBy(t => t.Key).ToListAsync(ct);
        return tags.ToLookup(t => t.RunId);
    }

    /// <summary>
    /// What the column picker offers: the params of the newest runs and every workflow's declared params, and the metric keys
    /// of the newest <paramref name="recent"/> runs (a full scan of all metrics would grow with history).
    /// </summary>
    public async Task<(IReadOnlyList<string> Params, IReadOnlyList<string> Metrics, IReadOnlyList<string> Tags)> ColumnChoicesAsync(int recent = 200,
        CancellationToken ct = default)
    {
        await using var db = database.Create();
        var runs = await db.Runs.AsNoTracking().OrderByDescending(r => r.CreatedAt).Take(recent).Select(r => new { r.Id, r.ParamsJson }).ToListAsync(ct);
        var ids = runs.Select(r => r.Id).ToList();
        var paramNames = runs.SelectMany(r => JsonNode.Parse(r.ParamsJson) is JsonObject o ? o.Select(p => p.Key) : []).Distinct().Order(StringComparer.Ordinal).ToList();
        var metricKeys = await db.Metrics.AsNoTracking().Where(m => ids.Contains(m.RunId)).Select(m => m.Key).Distinct().ToListAsync(ct);
        var tagKeys = await db.RunTags.AsNoTracking().Select(t => t.Key).Distinct().ToListAsync(ct);
        return (paramNames, metricKeys.Order(StringComparer.Ordinal).ToList(), tagKeys.Order(StringComparer.Ordinal).ToList());
    }
}
