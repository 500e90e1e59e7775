using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// The one statement that registers an artifact: its blob row (once per sha256) and its
/// <c>artifacts</c> row, upserted by (run, step, name) — a step attempt re-run after a crash, or
/// a cached result copied into a new run, replaces the row instead of duplicating it.
/// </summary>
public static class ArtifactRows
{
    public static async Task UpsertAsync(T1DbContext db, string runId, string stepId, string name, string sha256, string layout, string kind,
        long size, DateTime now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO blobs ("Sha256", "Size", "CreatedAt") VALUES ({sha256}, {size}, {now}) ON CONFLICT ("Sha256") DO NOTHING""", ct);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO artifacts ("RunId", "StepId", "Name", "Sha256", "Layout", "Kind", "Size", "CreatedAt")
            VALUES ({runId}, {stepId}, {name}, {sha256}, {layout}, {kind}, {size}, {now})
            ON CONFLICT ("RunId", "StepId", "Name") DO UPDATE SET
              "Sha256" = excluded."Sha256", "Layout" = excluded."Layout", "Kind" = excluded."Kind",
              "Size" = excluded."Size", "CreatedAt" = excluded."CreatedAt"
            """, ct);
    }
}
