using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Server.Tests.Platform;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Chaos;

/// <summary>
/// What a chaos test compares with an uninterrupted run of the same seeded workflow: the final
/// checkpoint's sha256, every metric point of the step (time-dependent throughput excluded) and
/// the step's outputs (resumed_from excluded). Equal evidence means training continued exactly
/// where it stopped: same updates, same rollouts, no point lost, doubled or overwritten.
/// </summary>
public sealed record RunEvidence(string Checkpoint, IReadOnlyList<string> Metrics, string Outputs)
{
    /// <summary>Metrics that measure the machine (tokens per second), not the training.</summary>
    private static readonly string[] Throughput = ["rollout_tokens_per_s", "train_tokens_per_s", "tokens_per_s"];

    public static async Task<RunEvidence> OfAsync(PlatformHarness client, string runId, string stepId)
    {
        await using var db = client.Get<DatabaseFactory>().Create();
        var step = await db.StepRuns.SingleAsync(s => s.RunId == runId && s.StepId == stepId);
        var checkpoint = await db.Artifacts.Where(a => a.RunId == runId && a.StepId == stepId && a.Name == "checkpoint").Select(a => a.Sha256).SingleAsync();
        var metrics = (await db.Metrics.Where(m => m.StepRunId == step.Id).ToListAsync())
            .Where(m => !Throughput.Contains(m.Key))
            .OrderBy(m => m.Key, StringComparer.Ordinal).ThenBy(m => m.Step)
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}@{m.Step}={m.Value:R}"))
            .ToList();
        var outputs = JsonNode.Parse(step.OutputsJson ?? "{}")!.AsObject();
        outputs.Remove("resumed_from");
        return new RunEvidence(checkpoint, metrics, outputs.ToJsonString());
    }

    /// <summary>Asserts <paramref name="actual"/> equals this (the uninterrupted run's), naming the first difference.</summary>
    public void AssertSameAs(RunEvidence actual, string what)
    {
        var missing = Metrics.Except(actual.Metrics).OrderBy(Step).Take(5).ToList();
        var extra = actual.Metrics.Except(Metrics).OrderBy(Step).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && Metrics.Count == actual.Metrics.Count,
            $"{what}: metric series differ from the uninterrupted run's ({actual.Metrics.Count} points vs {Metrics.Count}); " +
            $"only uninterrupted: {string.Join(", ", missing)}; only here: {string.Join(", ", extra)}");
        Assert.True(Checkpoint == actual.Checkpoint, $"{what}: final checkpoint {actual.Checkpoint} differs from the uninterrupted run's {Checkpoint}");
        Assert.True(Outputs == actual.Outputs, $"{what}: outputs {actual.Outputs} differ from the uninterrupted run's {Outputs}");
    }

    private static long Step(string point) => long.Parse(point[(point.IndexOf('@') + 1)..point.IndexOf('=')], CultureInfo.InvariantCulture);

    /// <summary>
    /// No orphan rows (every metric, log, artifact and transition of the run belongs to one of its
    /// steps), one blob row per artifact, and every artifact's objects present in the store with
    /// their sha256 (a folder's manifest and each file it lists; the store verifies what it reads).
    /// </summary>
    public static async Task AssertIntactAsync(PlatformHarness client, string runId)
    {
        await using var db = client.Get<DatabaseFactory>().Create();
        var stepRuns = await db.StepRuns.Where(s => s.RunId == runId).Select(s => new { s.Id, s.StepId }).ToListAsync();
        var ids = stepRuns.Select(s => s.Id).ToHashSet();
        var stepIds = stepRuns.Select(s => s.StepId).ToHashSet();
        Assert.All(await db.Metrics.Where(m => m.RunId == runId).Select(m => m.StepRunId).Distinct().ToListAsync(), id => Assert.Contains(id, ids));
        Assert.All(await db.StepLogs.Where(l => l.RunId == runId).Select(l => l.StepRunId).Distinct().ToListAsync(), id => Assert.Contains(id, ids));
        Assert.All(await db.StateTransitions.Where(t => t.RunId == runId && t.StepId != null).Select(t => t.StepId!).Distinct().ToListAsync(),
            id => Assert.Contains(id, stepIds));

        var store = client.Get<ArtifactStore>();
        var artifacts = await db.Artifacts.Where(a => a.RunId == runId).ToListAsync();
        Assert.NotEmpty(artifacts);
        foreach (var a in artifacts)
        {
            Assert.Contains(a.StepId, stepIds);
            Assert.Single(await db.Blobs.Where(b => b.Sha256 == a.Sha256).ToListAsync());
            var bytes = await store.ReadAllBytesAsync(a.Sha256); // throws ArtifactCorruptedException on a wrong sha256
            if (a.Layout == "file")
            {
                Assert.Equal(a.Size, bytes.Length);
                continue;
            }
            var manifest = ArtifactManifest.TryParse(bytes);
            Assert.True(manifest is not null, $"artifact {a.StepId}/{a.Name} ({a.Sha256}) is a folder but its blob is no manifest");
            Assert.Equal(a.Size, manifest!.TotalSize);
            foreach (var f in manifest.Files)
                Assert.True((await store.ReadAllBytesAsync(f.Sha256)).Length == f.Size, $"{a.StepId}/{a.Name}/{f.Path}: size differs from its manifest");
        }
    }
}
