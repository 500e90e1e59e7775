using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;

namespace T1.Server.Tests.Registry;

/// <summary>Aliases, version lineage and resolving over HTTP, with the roles they need.</summary>
public sealed class ModelAliasApiTests : RegistryApiTest
{
    [Fact]
    public async Task Operator_SetsStaging_HistorySaysWhoAndWhy_ButCannotMoveTheChampion()
    {
        using var op = Server.Client(await Server.KeyAsync(Roles.Operator));
        var set = await op.PutAsJsonAsync("/api/models/tiny/aliases/staging", new { version = 1, reason = "canary" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var model = (await op.GetFromJsonAsync<JsonObject>("/api/models/tiny"))!;
        Assert.Equal(1, model["aliases"]!["staging"]!.GetValue<int>());
        Assert.Equal(1, model["aliases"]!["champion"]!.GetValue<int>());
        var last = model["alias_history"]![0]!;
        Assert.Equal(("staging", "key:test operator", "canary"), (last["alias"]!.GetValue<string>(), last["by"]!.GetValue<string>(), last["reason"]!.GetValue<string>()));
        Assert.Equal(["champion", "staging"], model["versions"]![0]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));

        var champion = await op.PutAsJsonAsync("/api/models/tiny/aliases/champion", new { version = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, champion.StatusCode);
        var missing = await op.PutAsJsonAsync("/api/models/tiny/aliases/staging", new { version = 9 });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model 'tiny' has no version 9; `t1 models show tiny` lists its versions", (await missing.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());

        var resolved = (await op.GetFromJsonAsync<JsonObject>("/api/models/resolve?reference=tiny@staging"))!;
        Assert.Equal($"t1://artifacts/{RegistryFixture.Rl}", resolved["checkpoint"]!.GetValue<string>());

        using var viewer = Server.Client(await Server.KeyAsync(Roles.Viewer));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync("/api/models/tiny/aliases/staging")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.DeleteAsync("/api/models/tiny/aliases/staging?reason=done")).StatusCode);
    }

    [Fact]
    public async Task VersionPage_GivesTheLineage_AndPatchSetsDescriptionTagsArchive()
    {
        using var op = Server.Client(await Server.KeyAsync(Roles.Operator));
        var details = (await op.GetFromJsonAsync<JsonObject>("/api/models/tiny/versions/1"))!;
        var lineage = details["lineage"] ?? throw new Xunit.Sdk.XunitException(details.ToJsonString());
        Assert.Equal(("rl", "lineagerun01"), (lineage["checkpoint"]!["step_id"]!.GetValue<string>(), lineage["checkpoint"]!["run_id"]!.GetValue<string>()));
        Assert.Equal(RegistryFixture.Sft, lineage["parent_checkpoint"]!["sha256"]!.GetValue<string>());
        Assert.Equal([RegistryFixture.Dataset], lineage["datasets"]!.AsArray().Select(d => d!["sha256"]!.GetValue<string>()));
        Assert.Equal([RegistryFixture.Report], lineage["reports"]!.AsArray().Select(d => d!["sha256"]!.GetValue<string>()));

        var patched = await op.PatchAsJsonAsync("/api/models/tiny/versions/1", new { description = "first RL model", tags = new { data = "linear" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var v = (await patched.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("first RL model", "linear"), (v["description"]!.GetValue<string>(), v["tags"]!["data"]!.GetValue<string>()));
        var archive = await op.PatchAsJsonAsync("/api/models/tiny/versions/1", new { archived = true });
        Assert.Equal(HttpStatusCode.BadRequest, archive.StatusCode); // the champion points at it
    }
}
