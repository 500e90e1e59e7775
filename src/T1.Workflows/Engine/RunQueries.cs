using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>Read side for the CLI, API and portal: runs, steps, metrics, logs, artifacts.</summary>
public sealed class RunQueries(DatabaseFactory database)
{
    /// <summary>Finds a run by its id or a unique prefix of it (as git does with commits).</summary>
    public async Task<RunLookup> FindAsync(string idOrPrefix, CancellationToken ct = default)
    {
        var key = idOrPrefix.Trim().ToLowerInvariant();
        if (key.Length == 0) return new RunLookup(null, []);
        await using var db = database.Create();
        var exact = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == key, ct);
        if (exact is not null) return new RunLookup(exact, [exact.Id]);
        var matches = await db.Runs.AsNoTracking().Where(r => r.Id.StartsWith(key)).OrderByDescending(r => r.CreatedAt).Take(5).ToListAsync(ct);
        return new RunLookup(matches.Count == 1 ? matches[0] : null, matches.Select(m => m.Id).ToList());
    }

    public async Task<RunDetails?> GetAsync(string runId, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return null;
        var steps = await db.StepRuns.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Id).ToListAsync(ct);
        var artifacts = await db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Id).ToListAsync(ct);
        return new RunDetails(run, steps, artifacts);
    }

    public async Task<IReadOnlyList<RunRecord>> ListAsync(int limit = 20, int offset = 0, string? workflow = null, RunStatus? status = null, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var q = db.Runs.AsNoTracking();
        if (!string.IsNullOrEmpty(workflow)) q = q.Where(r => r.WorkflowName == workflow);
        if (status is { } s) q = q.Where(r => r.Status == s);
        return await q.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Skip(offset).Take(limit).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<MetricRecord>> MetricsAsync(string runId, string? stepId = null, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var q = db.Metrics.AsNoTracking().Where(m => m.RunId == runId);
        if (stepId is not null)
        {
            var ids = db.StepRuns.Where(s => s.RunId == runId && s.StepId == stepId).Select(s => s.Id);
            q = q.Where(m => ids.Contains(m.StepRunId));
        }
        return await q.OrderBy(m => m.StepRunId).ThenBy(m => m.Key).ThenBy(m => m.Step).ToListAsync(ct);
    }

    /// <summary>Every state transition of the run and its steps, oldest first (<c>t1 show --history</c>).</summary>
    public async Task<IReadOnlyList<StateTransitionRecord>> HistoryAsync(string runId, CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.StateTransitions.AsNoTracking().Where(t => t.RunId == runId).OrderBy(t => t.Id).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<StepLogRecord>> LogsAsync(string runId, string stepId, int limit = 1000, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var ids = db.StepRuns.Where(s => s.RunId == runId && s.StepId == stepId).Select(s => s.Id);
        return await db.StepLogs.AsNoTracking().Where(l => ids.Contains(l.StepRunId)).OrderBy(l => l.Id).Take(limit).ToListAsync(ct);
    }
}

public sealed record RunLookup(RunRecord? Run, IReadOnlyList<string> Candidates);

public sealed record RunDetails(RunRecord Run, IReadOnlyList<StepRunRecord> Steps, IReadOnlyList<ArtifactRecord> Artifacts);
