using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Workflows.Retention;

/// <summary>
/// Retention (`t1 gc`): deletes finished runs older than <see cref="RetentionOptions.OlderThan"/>
/// beyond the newest <see cref="RetentionOptions.KeepLast"/> of each workflow — never a run that
/// produced a registry version, nor a run a kept run's cached step came from (lineage) — with their
/// steps, metrics, logs, history and artifact rows; then the blobs no remaining artifact row or
/// registry version references (the files of folder artifacts through their manifests), in the store
/// and in the local cache, and the work folders of runs that are not running. A dry run computes the
/// same and deletes nothing.
/// </summary>
public sealed class GarbageCollector(DatabaseFactory database, ArtifactStore store, EngineOptions engine, ILogger<GarbageCollector> logger)
{
    public async Task<GcReport> CollectAsync(RetentionOptions policy, bool apply, CancellationToken ct = default)
    {
        List<RunRecord> doomed;
        int protectedRuns;
        await using (var db = database.Create())
        {
            var now = await DbClock.NowAsync(db, ct);
            var runs = await db.Runs.AsNoTracking().ToListAsync(ct);
            var keep = runs.GroupBy(r => r.WorkflowName)
                .SelectMany(g => g.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(Math.Max(0, policy.KeepLast)))
                .Select(r => r.Id).ToHashSet();
            var old = runs.Where(r => !keep.Contains(r.Id) && r.Status.IsFinal() && r.CreatedAt < now - policy.OlderThan).Select(r => r.Id).ToHashSet();
            var lineage = await ProtectedAsync(db, old, ct);
            protectedRuns = old.Count(lineage.Contains);
            doomed = runs.Where(r => old.Contains(r.Id) && !lineage.Contains(r.Id)).OrderBy(r => r.CreatedAt).ToList();
        }
        var ids = doomed.Select(r => r.Id).ToList();
        if (apply) await DeleteRunsAsync(ids, ct);

        var referenced = await ReferencedBlobsAsync(ids.ToHashSet(), ct);
        var (blobs, blobBytes) = await CollectBlobsAsync(referenced, policy.MinBlobAge, apply, ct);
        var (cache, cacheBytes) = CollectFolderEntries(engine.CacheDirectory, name => Sha256Key.IsValid(name) && !referenced.Contains(name), apply);
        HashSet<string> running;
        await using (var db = database.Create())
            running = (await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Running).Select(r => r.Id).ToListAsync(ct)).ToHashSet();
        var (work, workBytes) = CollectFolderEntries(engine.WorkDirectory, name => !running.Contains(name), apply);

        var report = new GcReport(apply, doomed.Select(r => new GcRun(r.Id, r.WorkflowName, r.DefinitionVersion, r.Status.ToString().ToLowerInvariant(), r.CreatedAt)).ToList(),
            protectedRuns, blobs, blobBytes, cache, cacheBytes, work, workBytes);
        if (apply)
            logger.LogInformation("gc: deleted {Runs} run(s), {Blobs} blob(s), {Cache} cache entr(ies), {Work} work folder(s); freed {Bytes} bytes",
                report.Runs.Count, blobs, cache, work, report.TotalBytes);
        return report;
    }

    /// <summary>Runs among <paramref name="candidates"/> that must stay: they produced a registry version, or a run that stays reused their results.</summary>
    private static async Task<HashSet<string>> ProtectedAsync(T1DbContext db, HashSet<string> candidates, CancellationToken ct)
    {
        var registered = await db.ModelVersions.AsNoTracking().Where(v => v.RunId != null).Select(v => v.RunId!).Distinct().ToListAsync(ct);
        var cachedFrom = await db.StepRuns.AsNoTracking().Where(s => s.CachedFromRunId != null)
            .Select(s => new { s.RunId, From = s.CachedFromRunId! }).ToListAsync(ct);
        var keep = registered.ToHashSet();
        // Lineage: a staying run (kept anyway, or protected) keeps the runs its cached steps came from, transitively.
        bool grew;
        do
        {
            grew = false;
            foreach (var c in cachedFrom)
                if ((!candidates.Contains(c.RunId) || keep.Contains(c.RunId)) && keep.Add(c.From)) grew = true;
        } while (grew);
        return keep;
    }

    private async Task DeleteRunsAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(200))
        {
            await using var db = database.Create();
            await db.InTransactionAsync(async token =>
            {
                await db.Metrics.Where(m => chunk.Contains(m.RunId)).ExecuteDeleteAsync(token);
                await db.RunTags.Where(t => chunk.Contains(t.RunId)).ExecuteDeleteAsync(token);
                await db.StepLogs.Where(l => chunk.Contains(l.RunId)).ExecuteDeleteAsync(token);
                await db.StateTransitions.Where(t => chunk.Contains(t.RunId)).ExecuteDeleteAsync(token);
                await db.Artifacts.Where(a => chunk.Contains(a.RunId)).ExecuteDeleteAsync(token);
                await db.StepRuns.Where(s => chunk.Contains(s.RunId)).ExecuteDeleteAsync(token);
                await db.Runs.Where(r => chunk.Contains(r.Id)).ExecuteDeleteAsync(token);
            }, ct);
        }
    }

    /// <summary>Every blob that stays referenced once <paramref name="deleted"/> are gone: artifact rows, registry versions, and the files their manifests list.</summary>
    private async Task<HashSet<string>> ReferencedBlobsAsync(HashSet<string> deleted, CancellationToken ct)
    {
        List<(string Sha, string Layout)> roots;
        await using (var db = database.Create())
        {
            var rows = await db.Artifacts.AsNoTracking().Select(a => new { a.RunId, a.Sha256, a.Layout }).ToListAsync(ct);
            roots = rows.Where(a => !deleted.Contains(a.RunId)).Select(a => (a.Sha256, a.Layout)).ToList();
            var versions = await db.ModelVersions.AsNoTracking().Select(v => new { v.CheckpointSha256, v.ReportSha256 }).ToListAsync(ct);
            roots.AddRange(versions.SelectMany(v => new[] { v.CheckpointSha256, v.ReportSha256 }).Where(Sha256Key.IsValid).Select(s => (s!, "dir")));
        }
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (sha, layout) in roots)
        {
            if (!referenced.Add(sha) || layout != "dir") continue;
            try
            {
                if (ArtifactManifest.TryParse(await store.ReadAllBytesAsync(sha, ct)) is { } manifest)
                    foreach (var f in manifest.Files) referenced.Add(f.Sha256);
            }
            catch (ArtifactNotFoundException)
            {
                logger.LogWarning("gc: folder artifact {Sha256} is referenced but missing from {Store}", sha, store.Location);
            }
        }
        return referenced;
    }

    private async Task<(int Count, long Bytes)> CollectBlobsAsync(HashSet<string> referenced, TimeSpan minAge, bool apply, CancellationToken ct)
    {
        var cutoff = DateTime.UtcNow - minAge;
        var garbage = new List<StoredBlob>();
        await foreach (var blob in store.ListAsync(ct))
            if (!referenced.Contains(blob.Sha256) && blob.StoredAt < cutoff) garbage.Add(blob);
        if (apply)
        {
            foreach (var blob in garbage) await store.DeleteAsync(blob.Sha256, ct);
            var shas = garbage.Select(b => b.Sha256).ToList();
            foreach (var chunk in shas.Chunk(500))
            {
                await using var db = database.Create();
                await db.Blobs.Where(b => chunk.Contains(b.Sha256)).ExecuteDeleteAsync(ct);
            }
        }
        return (garbage.Count, garbage.Sum(b => b.Size));
    }

    /// <summary>Entries (files or folders) directly under <paramref name="root"/> that <paramref name="garbage"/> picks, with their sizes.</summary>
    private static (int Count, long Bytes) CollectFolderEntries(string root, Func<string, bool> garbage, bool apply)
    {
        if (!Directory.Exists(root)) return (0, 0);
        int count = 0;
        long bytes = 0;
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
        {
            if (!garbage(entry.Name) || entry.Name.EndsWith(".part", StringComparison.Ordinal)) continue;
            var size = entry is DirectoryInfo d ? d.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : ((FileInfo)entry).Length;
            count++;
            bytes += size;
            if (!apply) continue;
            try
            {
                if (entry is DirectoryInfo dir) dir.Delete(recursive: true);
                else entry.Delete();
            }
            catch (IOException) { } // in use or gone: the next collection tries again
            catch (UnauthorizedAccessException) { }
        }
        return (count, bytes);
    }
}
