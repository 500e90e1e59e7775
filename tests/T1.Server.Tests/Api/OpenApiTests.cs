using System.Net;
using System.Text.Json.Nodes;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Api;

/// <summary>The OpenAPI document and its browsable UI, readable without signing in.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApiDocument_AtStableUrl_DescribesRunsEndpoints_AndUiIsServed()
    {
        await using var server = await PortalServer.StartAsync();
        using var http = server.Client();
        var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/runs", "/api/runs/{id}", "/api/runs/{id}/cancel", "/api/runs/{id}/resume", "/api/runs/{id}/metrics", "/api/artifacts/{sha256}", "/api/keys" })
            Assert.True(paths.ContainsKey(path), $"{path} missing from: {string.Join(", ", paths.Select(p => p.Key))}");
        Assert.NotNull(paths["/api/runs"]!["post"]);
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/account", StringComparison.Ordinal));

        var ui = await http.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("openapi/v1.json", await ui.Content.ReadAsStringAsync());
    }
}
