using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Registry;

/// <summary>Named aliases with their history, version descriptions/tags/archiving, and resolving NAME@alias, on SQLite and PostgreSQL.</summary>
public sealed class ModelAliasTests
{
    private static PromotionCandidate Candidate(string origin, double accuracy) =>
        new("m", origin, new string(origin[^1], 64), null, new Dictionary<int, double> { [64] = accuracy }, "run1", origin);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Aliases_MoveWithHistory_PromotionsMoveTheChampion_AndResolveFindsThem(bool postgres)
    {
        await using var p = await PlatformHarness.StartAsync(postgres, worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");
        await registry.PromoteAsync(Candidate("o1", 0.3), rule, 0.05);   // v1 champion
        await registry.PromoteAsync(Candidate("o2", 0.31), rule, 0.05);  // v2 kept
        await registry.PromoteAsync(Candidate("o3", 0.5), rule, 0.05);   // v3 champion

        await registry.SetAliasAsync("m", "staging", 2, "ana", "try the cautious one");
        await registry.SetAliasAsync("m", "staging", 1, "bo", null);
        await registry.SetAliasAsync("m", "canary", 2, "bo", "canary on 5 %");
        await registry.RemoveAliasAsync("m", "canary", "ana", "canary over");

        var m = (await registry.GetAsync("m"))!;
        Assert.Equal(["champion", "staging"], m.Aliases.Select(a => a.Alias));
        Assert.Equal(1, m.Aliases.Single(a => a.Alias == "staging").Version);
        Assert.Equal(["champion"], m.AliasesOf(3));
        var moves = m.AliasHistory.Select(e => $"{e.Alias} {e.FromVersion?.ToString() ?? "-"}>{e.ToVersion?.ToString() ?? "x"} {e.By}: {e.Reason}").ToList();
        Assert.Equal([
            "canary 2>x ana: canary over",
            "canary ->2 bo: canary on 5 %",
            "staging 2>1 bo: set by hand by bo",
            "staging ->2 ana: try the cautious one",
            "champion 1>3 run run1 step 'o3': " + m.Decisions.Single(d => d.CandidateVersion == 3).Reason,
            "champion ->1 run run1 step 'o1': " + m.Decisions.Single(d => d.CandidateVersion == 1).Reason,
        ], moves);
        Assert.Equal(m.Decisions.Single(d => d.CandidateVersion == 3).Id, m.AliasHistory.Single(e => e.ToVersion == 3).DecisionId);

        Assert.Equal(3, (await registry.ResolveAsync("m")).Version);
        Assert.Equal(("staging", 1), ((await registry.ResolveAsync("m@staging")).Alias, (await registry.ResolveAsync("m@staging")).Version));
        Assert.Equal(2, (await registry.ResolveAsync("m@v2")).Version);
        Assert.Equal(2, (await registry.ResolveAsync("m@2")).Version);
        Assert.Equal(3, (await registry.ResolveAsync("m@latest")).Version);
        Assert.Equal(new string('3', 64), (await registry.ResolveAsync("m@champion")).CheckpointSha256);
        var e = await Assert.ThrowsAsync<RegistryException>(() => registry.ResolveAsync("m@prod"));
        Assert.Equal("model 'm' has no alias 'prod'; its aliases: champion, staging", e.Message);
        Assert.True(e.NotFound);
    }

    [Fact]
    public async Task MovingChampionByHand_IsAManualPromotion_AndChampionCannotBeRemoved()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");
        await registry.PromoteAsync(Candidate("o1", 0.3), rule, 0);
        await registry.PromoteAsync(Candidate("o2", 0.5), rule, 0);

        await registry.SetAliasAsync("m", "champion", 1, "ana", "v2 regressed on long prompts");

        var m = (await registry.GetAsync("m"))!;
        Assert.Equal(1, m.Model.ChampionVersion);
        var manual = m.Decisions.First();
        Assert.Equal(("manual", "v2 regressed on long prompts", "ana"), (manual.Metric, manual.Reason, manual.DecidedBy));
        Assert.Equal(manual.Id, m.AliasHistory.First().DecisionId);
        var removal = await Assert.ThrowsAsync<RegistryException>(() => registry.RemoveAliasAsync("m", "champion", "ana", null));
        Assert.Equal("the champion alias of 'm' cannot be removed, only moved: `t1 models alias set m champion VERSION`", removal.Message);
    }

    [Fact]
    public async Task Archiving_RefusedWhileAnAliasPointsThere_AndAnArchivedVersionTakesNoAlias()
    {
        await using var p = await PlatformHarness.StartAsync(worker: false);
        var registry = p.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy@64");
        await registry.PromoteAsync(Candidate("o1", 0.3), rule, 0);
        await registry.PromoteAsync(Candidate("o2", 0.1), rule, 0);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.UpdateVersionAsync("m", 1, null, null, archived: true));
        Assert.Equal("model 'm' version 1 is what alias champion points at; move the alias first, then archive it", refused.Message);

        var v2 = await registry.UpdateVersionAsync("m", 2, "too eager to answer", new Dictionary<string, string> { ["data"] = "v2", ["by"] = "ana" }, archived: true);
        Assert.NotNull(v2.ArchivedAt);
        Assert.Equal("""{"by":"ana","data":"v2"}""", v2.TagsJson);
        var alias = await Assert.ThrowsAsync<RegistryException>(() => registry.SetAliasAsync("m", "staging", 2, "ana", null));
        Assert.Equal("model 'm' version 2 is archived; restore it (t1 models restore m 2) before pointing an alias at it", alias.Message);
        Assert.Equal(1, (await registry.ResolveAsync("m@latest")).Version);

        var bad = await Assert.ThrowsAsync<RegistryException>(() => registry.SetAliasAsync("m", "v7", 1, "ana", null));
        Assert.StartsWith("alias 'v7' is not valid; use lowercase letters, digits", bad.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Migration_TurnsEachExistingChampionIntoAChampionAlias(bool postgres)
    {
        var options = new DatabaseOptions { Provider = postgres ? "postgres" : "sqlite" };
        var dir = Path.Combine(Path.GetTempPath(), "t1-alias-migration-" + Guid.NewGuid().ToString("N")[..8]);
        if (postgres) options.ConnectionString = await TestEnvironment.CreatePostgresDatabaseAsync();
        var database = new DatabaseFactory(options, dir);
        try
        {
            await using (var db = database.Create())
            {
                await db.GetService<IMigrator>().MigrateAsync("EngineStates");
                await db.Database.ExecuteSqlRawAsync("""INSERT INTO models ("Name", "ChampionVersion", "CreatedAt", "UpdatedAt") VALUES ('old', 4, {0}, {0}), ('none', NULL, {0}, {0})""", DateTime.UtcNow);
            }
            await database.MigrateAsync();
            await using var after = database.Create();
            var alias = await after.ModelAliases.SingleAsync();
            Assert.Equal(("old", "champion", 4, "migration"), (alias.ModelName, alias.Alias, alias.Version, alias.UpdatedBy));
            Assert.Equal("champion before alias history was kept", (await after.AliasEvents.SingleAsync()).Reason);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
