using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using T1.Server.Tests.Platform;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Retention;

namespace T1.Server.Tests.Retention;

/// <summary>
/// `t1 gc` on PostgreSQL + S3: old runs go with all their rows, blobs nothing references go from the
/// bucket, the cache and work folders are swept; registry versions, their files and the lineage of
/// kept runs stay. A dry run reports the same and deletes nothing.
/// </summary>
public sealed class GarbageCollectorTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync(postgres: true, s3: true);
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private const string Echo = """
        name: kept
        params: { n: "0" }
        steps:
          - id: say
            uses: echo
            cache: false
            with: { message: "run ${{ params.n }}" }
        """;

    private async Task<(string Run, string Blob)> RunAsync(int n)
    {
        var d = await _p.RunAsync(Echo, new() { ["n"] = n.ToString() });
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        return (d.Run.Id, Assert.Single(d.Artifacts).Sha256);
    }

    private async Task<string> PutAsync(string text) =>
        (await _p.Get<ArtifactStore>().PutAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)))).Sha256;

    [Fact]
    public async Task OldRuns_AndWhatOnlyTheyReference_AreDeleted_ButRegistryVersionsAndLineageStay()
    {
        var store = _p.Get<ArtifactStore>();
        var database = _p.Get<DatabaseFactory>();
        var (r1, b1) = await RunAsync(1);   // old: deleted
        var (r2, b2) = await RunAsync(2);   // old, but it produced a registry version
        var (r3, b3) = await RunAsync(3);   // old, but the kept r4 reused its result (cache lineage)
        var (r4, b4) = await RunAsync(4);   // the newest: kept
        var folder = Path.Combine(_p.Directory, "checkpoint");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "weights.bin"), "weights of r2");
        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), "{}");
        var (manifest, content) = await ArtifactManifest.PutDirectoryAsync(store, folder, default);
        var orphan = await PutAsync("stored by a step that died before registering it");
        await using (var db = database.Create())
        {
            await ArtifactRows.UpsertAsync(db, r2, "say", "checkpoint", manifest.Sha256, "dir", "checkpoint", content.TotalSize, DateTime.UtcNow, default);
            db.ModelVersions.Add(new ModelVersionRecord { ModelName = "m", Version = 1, CheckpointSha256 = manifest.Sha256, RunId = r2, StepId = "say", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            await db.StepRuns.Where(s => s.RunId == r4).ExecuteUpdateAsync(u => u.SetProperty(s => s.CachedFromRunId, r3));
            await db.Runs.Where(r => r.Id != r4).ExecuteUpdateAsync(u => u.SetProperty(r => r.CreatedAt, DateTime.UtcNow.AddDays(-40)));
        }
        var cache = _p.Options.Engine.CacheDirectory;
        Directory.CreateDirectory(cache);
        await File.WriteAllTextAsync(Path.Combine(cache, b1), "cached copy of r1's output");
        await File.WriteAllTextAsync(Path.Combine(cache, b4), "cached copy of r4's output");
        Directory.CreateDirectory(Path.Combine(_p.Options.Engine.WorkDirectory, r1, "say", "attempt-1"));
        await File.WriteAllTextAsync(Path.Combine(_p.Options.Engine.WorkDirectory, r1, "say", "attempt-1", "left.txt"), "left by a crash");

        var gc = new GarbageCollector(database, store, _p.Options.Engine, NullLogger<GarbageCollector>.Instance);
        var policy = new RetentionOptions { OlderThan = TimeSpan.FromDays(30), KeepLast = 1, MinBlobAge = TimeSpan.Zero };

        var dry = await gc.CollectAsync(policy, apply: false);
        Assert.Equal([r1], dry.Runs.Select(r => r.Id));
        Assert.Equal(2, dry.ProtectedRuns);
        Assert.Equal((2, 1), (dry.Blobs, dry.CacheEntries)); // r1's output and the orphan; r1's cached copy
        Assert.Equal(4, dry.WorkFolders); // every finished run's folder (attempts delete only their own subfolder)
        Assert.True(await store.ExistsAsync(b1) && await store.ExistsAsync(orphan), "a dry run deleted blobs");
        await using (var db = database.Create()) Assert.True(await db.Runs.AnyAsync(r => r.Id == r1), "a dry run deleted a run");

        var done = await gc.CollectAsync(policy, apply: true);
        Assert.Equal(dry with { Applied = true }, done with { Runs = dry.Runs });
        Assert.Equal(dry.Runs, done.Runs);
        await using (var db = database.Create())
        {
            Assert.Equal(new[] { r2, r3, r4 }.Order(), (await db.Runs.Select(r => r.Id).ToListAsync()).Order());
            Assert.False(await db.StepRuns.AnyAsync(s => s.RunId == r1));
            Assert.False(await db.Metrics.AnyAsync(m => m.RunId == r1) || await db.StepLogs.AnyAsync(l => l.RunId == r1));
            Assert.False(await db.StateTransitions.AnyAsync(t => t.RunId == r1) || await db.Artifacts.AnyAsync(a => a.RunId == r1));
            Assert.False(await db.Blobs.AnyAsync(b => b.Sha256 == b1));
        }
        Assert.False(await store.ExistsAsync(b1));
        Assert.False(await store.ExistsAsync(orphan));
        foreach (var kept in new[] { b2, b3, b4, manifest.Sha256 }.Concat(content.Files.Select(f => f.Sha256)))
            Assert.True(await store.ExistsAsync(kept), $"blob {kept} was deleted");
        Assert.False(File.Exists(Path.Combine(cache, b1)));
        Assert.True(File.Exists(Path.Combine(cache, b4)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_p.Options.Engine.WorkDirectory));

        var again = await gc.CollectAsync(policy, apply: true);
        Assert.Equal((0, 0, 0L), (again.Runs.Count, again.Blobs, again.TotalBytes));
    }

    [Fact]
    public async Task YoungUnreferencedBlobs_AreKept_ARunningStepMayNotHaveRegisteredThemYet()
    {
        var fresh = await PutAsync("just stored by a running step");
        var gc = new GarbageCollector(_p.Get<DatabaseFactory>(), _p.Get<ArtifactStore>(), _p.Options.Engine, NullLogger<GarbageCollector>.Instance);

        var report = await gc.CollectAsync(new RetentionOptions(), apply: true); // MinBlobAge: 1 hour

        Assert.Equal(0, report.Blobs);
        Assert.True(await _p.Get<ArtifactStore>().ExistsAsync(fresh));
    }

    [Fact]
    public void Schedule_RegistersTheRecurringJob_OffRemovesIt_ABadCronIsRefused()
    {
        var recurring = _p.Get<IRecurringJobManager>();
        List<RecurringJobDto> Jobs()
        {
            using var connection = _p.Get<JobStorage>().GetConnection();
            return connection.GetRecurringJobs();
        }

        GcSchedule.Apply(recurring, new RetentionOptions { Schedule = "0 4 * * *" });
        Assert.Contains(Jobs(), j => j.Id == GcJob.JobId && j.Cron == "0 4 * * *" && j.Job.Queue == "cpu");
        GcSchedule.Apply(recurring, new RetentionOptions { Schedule = "" });
        Assert.Contains(Jobs(), j => j.Id == GcJob.JobId); // empty: left as registered
        GcSchedule.Apply(recurring, new RetentionOptions { Schedule = "off" });
        Assert.DoesNotContain(Jobs(), j => j.Id == GcJob.JobId);

        var e = Assert.Throws<ArgumentException>(() => GcSchedule.Apply(recurring, new RetentionOptions { Schedule = "every day" }));
        Assert.Equal("T1:Retention:Schedule 'every day' is not a cron expression (5 fields, UTC, e.g. '0 4 * * *' for 04:00 daily); set it to one, to 'off', or leave it empty.", e.Message);
    }
}
