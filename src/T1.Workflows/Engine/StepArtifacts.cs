using Microsoft.EntityFrameworkCore;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// Artifact access of one step attempt. Blobs are written first (atomic, content-addressed),
/// then registered: one <c>artifacts</c> row per (run, step, name), upserted, so a re-run
/// after a crash never duplicates rows.
/// </summary>
public sealed class StepArtifacts(DatabaseFactory database, ArtifactStore store, ArtifactCache cache, AttemptFence fence) : IStepArtifacts
{
    public async Task<ArtifactRef> PutFileAsync(string name, string path, string kind, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"step '{fence.StepId}' tried to store '{path}' as artifact '{name}', but there is no such file", path);
        var blob = await store.PutFileAsync(path, cancellationToken);
        await RegisterAsync(name, blob.Sha256, "file", kind, blob.Size, cancellationToken);
        return new ArtifactRef(blob.Sha256);
    }

    public async Task<ArtifactRef> PutDirectoryAsync(string name, string path, string kind, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"step '{fence.StepId}' tried to store folder '{path}' as artifact '{name}', but there is no such folder");
        var (manifest, content) = await ArtifactManifest.PutDirectoryAsync(store, path, cancellationToken);
        await RegisterAsync(name, manifest.Sha256, "dir", kind, content.TotalSize, cancellationToken);
        return new ArtifactRef(manifest.Sha256);
    }

    public Task<string> GetLocalPathAsync(ArtifactRef artifact, CancellationToken cancellationToken) =>
        cache.GetLocalPathAsync(artifact, cancellationToken);

    public async Task<string?> TryGetEarlierOutputAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = database.Create();
        var sha = await db.Artifacts.AsNoTracking()
            .Where(a => a.RunId == fence.RunId && a.StepId == fence.StepId && a.Name == name)
            .Select(a => a.Sha256)
            .FirstOrDefaultAsync(cancellationToken);
        return sha is null ? null : await cache.GetLocalPathAsync(new ArtifactRef(sha), cancellationToken);
    }

    private async Task RegisterAsync(string name, string sha, string layout, string kind, long size, CancellationToken ct)
    {
        await using var db = database.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await fence.EnsureCurrentAsync(db, ct);
        var now = DateTime.UtcNow;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO blobs ("Sha256", "Size", "CreatedAt") VALUES ({sha}, {size}, {now}) ON CONFLICT ("Sha256") DO NOTHING""", ct);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO artifacts ("RunId", "StepId", "Name", "Sha256", "Layout", "Kind", "Size", "CreatedAt")
            VALUES ({fence.RunId}, {fence.StepId}, {name}, {sha}, {layout}, {kind}, {size}, {now})
            ON CONFLICT ("RunId", "StepId", "Name") DO UPDATE SET
              "Sha256" = excluded."Sha256", "Layout" = excluded."Layout", "Kind" = excluded."Kind",
              "Size" = excluded."Size", "CreatedAt" = excluded."CreatedAt"
            """, ct);
        await tx.CommitAsync(ct);
    }
}
