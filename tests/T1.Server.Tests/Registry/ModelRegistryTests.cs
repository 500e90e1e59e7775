using T1.Server.Tests.Platform;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Registry;

/// <summary>The model registry on the real metadata stores (SQLite and PostgreSQL).</summary>
public sealed class ModelRegistryTests
{
    /// <summary>A checkpoint per origin: each candidate is a different model (the same checkpoint reuses its version, see ModelRegistryReuseTests).</summary>
    private static string ShaOf(string origin) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(origin)));

    private static PromotionCandidate Candidate(string model, string origin, params (int B, double A)[] acc) =>
        new(model, origin, ShaOf(origin), null, acc.ToDictionary(p => p.B, p => p.A), "run1", origin);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Promotions_FirstWins_ThenOnlyBetterByMargin_AndEveryDecisionIsStored(bool postgres)
    {
        await using var p = await PlatformHarness.StartAsync(postgres, worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");

        var first = await registry.PromoteAsync(Candidate("m", "o1", (64, 0.30)), rule, 0.05);
        var worse = await registry.PromoteAsync(Candidate("m", "o2", (64, 0.32)), rule, 0.05);
        var better = await registry.PromoteAsync(Candidate("m", "o3", (64, 0.50)), rule, 0.05);

        Assert.True(first.Decision.Promoted);
        Assert.False(worse.Decision.Promoted);
        Assert.True(better.Decision.Promoted);
        Assert.Equal([1, 2, 3], new[] { first.Version.Version, worse.Version.Version, better.Version.Version });

        var details = (await registry.GetAsync("m"))!;
        Assert.Equal(3, details.Model.ChampionVersion);
        Assert.Equal(3, details.Versions.Count);
        Assert.Equal(3, details.Decisions.Count);
        var kept = details.Decisions.Single(d => d.CandidateVersion == 2);
        Assert.Equal(1, kept.ChampionVersion);
        Assert.Equal(0.32, kept.CandidateValue);
        Assert.Equal(0.30, kept.ChampionValue);
        Assert.Contains("margin 0.05", kept.Reason);
        Assert.Equal(0.5, ModelRegistry.Accuracy(details.Versions[0])[64]);

        var list = await registry.ListAsync();
        Assert.Equal(new ModelSummary("m", 3, 3, 3, list[0].UpdatedAt), list.Single());
    }

    [Fact]
    public async Task SameStepDecidingTwice_GetsTheFirstDecisionBack()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy");
        var a = await registry.PromoteAsync(Candidate("m", "run:r1/promote", (64, 0.3)), rule, 0);
        var b = await registry.PromoteAsync(Candidate("m", "run:r1/promote", (64, 0.9)), rule, 0); // a duplicate delivery
        Assert.Equal(a.Decision.Id, b.Decision.Id);
        Assert.Single((await registry.GetAsync("m"))!.Versions);
    }

    [Fact]
    public async Task ConcurrentPromotions_GetDistinctVersions()
    {
        await using var p = await PlatformHarness.StartAsync(postgres: true, worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            registry.PromoteAsync(Candidate("m", "o" + i, (64, 0.1 * i)), rule, 0)));
        Assert.Equal(Enumerable.Range(1, 6), outcomes.Select(o => o.Version.Version).Order());
        Assert.Equal(6, (await registry.GetAsync("m"))!.Decisions.Count);
    }

    [Fact]
    public async Task ManualPromotion_MovesChampion_AndUnknownVersionSaysWhatToDo()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy");
        await registry.PromoteAsync(Candidate("m", "o1", (64, 0.5)), rule, 0);
        await registry.PromoteAsync(Candidate("m", "o2", (64, 0.1)), rule, 0);

        var manual = await registry.PromoteManuallyAsync("m", 2, "admin");
        Assert.True(manual.Decision.Promoted);
        Assert.Equal(2, (await registry.GetAsync("m"))!.Model.ChampionVersion);

        var e = await Assert.ThrowsAsync<RegistryException>(() => registry.PromoteManuallyAsync("m", 9, "admin"));
        Assert.Contains("t1 models show m", e.Message);
        Assert.Null(await registry.GetAsync("nope"));
    }

    [Fact]
    public async Task InvalidModelName_IsRefusedWithTheRule()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            p.Get<ModelRegistry>().PromoteAsync(Candidate("bad name!", "o", (64, 0.1)), PromotionRule.Parse("accuracy"), 0));
        Assert.Contains("letters, digits", e.Message);
    }
}
