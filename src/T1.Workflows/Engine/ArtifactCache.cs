using Microsoft.EntityFrameworkCore;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// Local, verified copies of artifacts for steps to read: <c>&lt;cache&gt;/&lt;sha256&gt;</c> is the
/// file or the folder. Copies appear atomically, so concurrent readers never see half a file.
/// </summary>
public sealed class ArtifactCache(DatabaseFactory database, ArtifactStore store, EngineOptions options)
{
    public async Task<string> GetLocalPathAsync(ArtifactRef artifact, CancellationToken ct)
    {
        var root = Path.GetFullPath(options.CacheDirectory);
        Directory.CreateDirectory(root);
        var target = Path.Combine(root, artifact.Sha256);
        if (File.Exists(target) || Directory.Exists(target)) return target;

        string? layout;
        await using (var db = database.Create())
            layout = await db.Artifacts.Where(a => a.Sha256 == artifact.Sha256).Select(a => a.Layout).FirstOrDefaultAsync(ct);
        if (layout is null && !await store.ExistsAsync(artifact.Sha256, ct))
            throw new ArtifactNotFoundException(artifact.Sha256, store.Location);

        if (layout == "dir" || layout is null && await ReadManifestAsync(artifact, ct) is not null)
        {
            var manifest = await ReadManifestAsync(artifact, ct)
                ?? throw new InvalidDataException($"artifact {artifact} is registered as a folder but its manifest is unreadable");
            await manifest.MaterializeAsync(store, target, ct);
        }
        else
        {
            await store.DownloadToFileAsync(artifact.Sha256, target, ct);
        }
        return target;
    }

    private async Task<ArtifactManifest?> ReadManifestAsync(ArtifactRef artifact, CancellationToken ct)
    {
        var bytes = await store.ReadAllBytesAsync(artifact.Sha256, ct);
        return ArtifactManifest.TryParse(bytes);
    }
}
