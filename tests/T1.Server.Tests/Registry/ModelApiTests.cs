using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Registry;

/// <summary>The registry over HTTP on a server that requires sign-in.</summary>
public sealed class ModelApiTests : IAsyncLifetime
{
    private PortalServer _server = null!;

    public async Task InitializeAsync() => _server = await PortalServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Models_ViewerReads_OnlyAdminPromotesByHand_UnknownIs404()
    {
        var registry = _server.Get<ModelRegistry>();
        var rule = PromotionRule.Parse("accuracy");
        await registry.PromoteAsync(new PromotionCandidate("m", "o1", new string('a', 64), null, new Dictionary<int, double> { [64] = 0.5 }, "r1", "promote"), rule, 0);
        await registry.PromoteAsync(new PromotionCandidate("m", "o2", new string('b', 64), null, new Dictionary<int, double> { [64] = 0.2 }, "r2", "promote"), rule, 0);

        using var viewer = _server.Client(await _server.KeyAsync(Roles.Viewer));
        var list = await viewer.GetFromJsonAsync<JsonArray>("/api/models");
        Assert.Equal("m", list![0]!["name"]!.ToString());
        var model = await viewer.GetFromJsonAsync<JsonObject>("/api/models/m");
        Assert.Equal(1, model!["champion"]!.GetValue<int>());
        Assert.Equal(0.2, model["versions"]![0]!["accuracy"]!["64"]!.GetValue<double>());
        Assert.Equal(2, model["decisions"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/models/nope")).StatusCode);

        using var op = _server.Client(await _server.KeyAsync(Roles.Operator));
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/models/m/promote", new { version = 2 })).StatusCode);

        using var admin = _server.Client(await _server.KeyAsync(Roles.Admin));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/models/m/promote", new { version = 7 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/models/m/promote", new { version = 2 })).StatusCode);
        Assert.Equal(2, (await registry.GetAsync("m"))!.Model.ChampionVersion);
        Assert.Contains("by hand", (await registry.GetAsync("m"))!.Decisions[0].Reason);
    }
}
