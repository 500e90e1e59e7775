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
        await db.InTransactionAsync(async token =>
        {
            await fence.EnsureCurrentAsync(db, token);
            await ArtifactRows.UpsertAsync(db, fence.RunId, fence.StepId, name, sha, layout, kind, size, await DbClock.NowAsync(db, token), token);
        }, ct);
    }
}
