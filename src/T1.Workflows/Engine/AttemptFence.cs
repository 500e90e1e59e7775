using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// The token of the attempt that currently owns a step. Outputs are recorded only by a
/// conditional update on this token (atomic), so of two workers that picked up the same job
/// at most one records them. Metrics and artifacts check the token too, and are upserts keyed
/// by name, so even a write that slips past a takeover cannot duplicate rows.
/// </summary>
public sealed record AttemptFence(long StepRunId, string RunId, string StepId, string Token, int Attempt)
{
    public Task<bool> IsCurrentAsync(T1DbContext db, CancellationToken ct) =>
        db.StepRuns.AnyAsync(s => s.Id == StepRunId && s.AttemptToken == Token && s.Status == StepStatus.Running, ct);

    public async Task EnsureCurrentAsync(T1DbContext db, CancellationToken ct)
    {
        if (!await IsCurrentAsync(db, ct)) throw new FenceLostException(this);
    }
}

/// <summary>This attempt no longer owns its step (it was presumed dead and re-run elsewhere, or cancelled).</summary>
public sealed class FenceLostException(AttemptFence fence)
    : Exception($"run {fence.RunId} step '{fence.StepId}': attempt {fence.Attempt} lost ownership of the step; its results are discarded.");
