using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;
using T1.Server.Tests.Registry;

namespace T1.Server.Tests.Lineage;

/// <summary>GET /api/artifacts/{sha256}/lineage over the run RegistryFixture records (synth → sft → rl → eval-rl → promote).</summary>
public sealed class ArtifactLineageApiTests : RegistryApiTest
{
    [Fact]
    public async Task RlCheckpoint_MadeByRl_FromTheSftCheckpoint_UsedByItsEvaluation_AndRegisteredAsTinyV1()
    {
        using var viewer = Server.Client(await Server.KeyAsync(Roles.Viewer));
        var graph = (await viewer.GetFromJsonAsync<JsonObject>($"/api/artifacts/{RegistryFixture.Rl}/lineage"))!;

        Assert.Equal("checkpoint", graph["artifact"]!["kind"]!.ToString());
        var madeBy = graph["made_by"]!.AsArray().Single()!;
        Assert.Equal(("lineagerun01", "rl", "rl", "checkpoint"),
            (madeBy["run_id"]!.ToString(), madeBy["step_id"]!.ToString(), madeBy["step_type"]!.ToString(), madeBy["port"]!.ToString()));
        Assert.Equal([RegistryFixture.Sft, RegistryFixture.Dataset], madeBy["artifacts"]!.AsArray().Select(a => a!["sha256"]!.ToString()));

        var usedBy = graph["used_by"]!.AsArray().Single()!;
        Assert.Equal(("eval-rl", "evaluate", "checkpoint"), (usedBy["step_id"]!.ToString(), usedBy["step_type"]!.ToString(), usedBy["port"]!.ToString()));
        Assert.Equal("evaluation-report", usedBy["artifacts"]![0]!["kind"]!.ToString());

        var model = graph["models"]!.AsArray().Single()!;
        Assert.Equal(("tiny", 1, "checkpoint", true), (model["model_name"]!.ToString(), model["version"]!.GetValue<int>(), model["role"]!.ToString(), model["champion"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Dataset_IsUsedBySftAndRl_AndTheReportByTheModelVersion()
    {
        using var viewer = Server.Client(await Server.KeyAsync(Roles.Viewer));
        var dataset = (await viewer.GetFromJsonAsync<JsonObject>($"/api/artifacts/{RegistryFixture.Dataset}/lineage"))!;
        Assert.Equal(["rl", "sft"], dataset["used_by"]!.AsArray().Select(s => s!["step_id"]!.ToString()).Order());
        Assert.Empty(dataset["made_by"]![0]!["artifacts"]!.AsArray());
        Assert.Empty(dataset["models"]!.AsArray());

        var report = (await viewer.GetFromJsonAsync<JsonObject>($"/api/artifacts/{RegistryFixture.Report}/lineage"))!;
        Assert.Equal("report", report["models"]![0]!["role"]!.ToString());
    }

    [Fact]
    public async Task UnknownOrMalformedId_IsAProblemSayingWhatToDo()
    {
        using var viewer = Server.Client(await Server.KeyAsync(Roles.Viewer));
        var unknown = new string('0', 64);
        var missing = await viewer.GetAsync($"/api/artifacts/{unknown}/lineage");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal($"no run step, step input or model version names artifact {unknown}; the artifacts of a run are listed by GET /api/runs/{{id}}.",
            (await missing.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.ToString());
        var bad = await viewer.GetAsync("/api/artifacts/XYZ/lineage");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("'XYZ' is not 64 lowercase hex digits.", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.ToString());
        using var anonymous = Server.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/artifacts/{RegistryFixture.Rl}/lineage")).StatusCode);
    }
}
