using T1.Server.Tests.Platform;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Registry;

/// <summary>Promoting a checkpoint the model already has (same sha256) reuses that version, on SQLite and PostgreSQL.</summary>
public sealed class ModelRegistryReuseTests
{
    private static readonly string A = new('a', 64), B = new('b', 64);

    private static PromotionCandidate Candidate(string origin, string sha, double accuracy) =>
        new("m", origin, sha, null, new Dictionary<int, double> { [64] = accuracy }, "run-" + origin, "promote");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SameCheckpointAgain_ReusesItsVersion_AndRecordsTheChampionMovingBack(bool postgres)
    {
        await using var p = await PlatformHarness.StartAsync(postgres, worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");
        await registry.PromoteAsync(Candidate("o1", A, 0.3), rule, 0);            // v1 champion
        await registry.PromoteAsync(Candidate("o2", B, 0.5), rule, 0);            // v2 champion
        var again = await registry.PromoteAsync(Candidate("o3", A, 0.6), rule, 0); // checkpoint A again, now evaluated better than v2

        Assert.Equal(1, again.Version.Version);
        Assert.True(again.Decision.Promoted);
        Assert.Equal(1, again.Decision.CandidateVersion);
        Assert.StartsWith("same checkpoint as v1 (sha256 aaaaaaaaaaaa…), no new version; ", again.Decision.Reason);
        var m = (await registry.GetAsync("m"))!;
        Assert.Equal([2, 1], m.Versions.Select(v => v.Version));
        Assert.Equal(1, m.Model.ChampionVersion);
        Assert.Equal(3, m.Decisions.Count);
        // The champion alias moved 1 → 2 → back to 1, each move recorded with its decision.
        Assert.Equal(["champion 2>1", "champion 1>2", "champion ->1"],
            m.AliasHistory.Select(e => $"{e.Alias} {e.FromVersion?.ToString() ?? "-"}>{e.ToVersion}"));
        Assert.Equal(again.Decision.Id, m.AliasHistory[0].DecisionId);
        // The version keeps what it was registered with (its first run and evaluation).
        Assert.Equal("run-o1", m.Versions.Single(v => v.Version == 1).RunId);
        Assert.Equal(0.3, ModelRegistry.Accuracy(m.Versions.Single(v => v.Version == 1))[64]);
    }

    [Fact]
    public async Task TheChampionsOwnCheckpointAgain_StaysChampion_WithNoNewVersionOrAliasMove()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");
        await registry.PromoteAsync(Candidate("o1", A, 0.3), rule, 0);
        var again = await registry.PromoteAsync(Candidate("o2", A, 0.2), rule, 0.05); // a re-run: same checkpoint, another evaluation

        Assert.Equal(1, again.Version.Version);
        Assert.True(again.Decision.Promoted);
        Assert.Equal("same checkpoint as v1 (sha256 aaaaaaaaaaaa…), no new version; v1 is already champion", again.Decision.Reason);
        var m = (await registry.GetAsync("m"))!;
        Assert.Single(m.Versions);
        Assert.Single(m.AliasHistory);
        Assert.Equal(2, m.Decisions.Count);
    }

    [Fact]
    public async Task AnArchivedVersionsCheckpointAgain_IsNotPromoted_AndSaysHowToRestoreIt()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");
        await registry.PromoteAsync(Candidate("o1", A, 0.3), rule, 0);
        await registry.PromoteAsync(Candidate("o2", B, 0.5), rule, 0);
        await registry.UpdateVersionAsync("m", 1, null, null, archived: true);
        var again = await registry.PromoteAsync(Candidate("o3", A, 0.9), rule, 0);

        Assert.False(again.Decision.Promoted);
        Assert.Equal(1, again.Version.Version);
        Assert.StartsWith("kept the champion: same checkpoint as v1 (sha256 aaaaaaaaaaaa…), no new version, and v1 is archived (t1 models restore m 1 to promote it)", again.Decision.Reason);
        var m = (await registry.GetAsync("m"))!;
        Assert.Equal(2, m.Model.ChampionVersion);
        Assert.Equal(2, m.Versions.Count);
    }
}
