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

    [Fact]
    public async Task EveryOperation_HasATagSummaryAndProblemAnswers_TheKeySchemeIsDeclared_AndPublishingHasABody()
    {
        await using var server = await PortalServer.StartAsync();
        using var http = server.Client();
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!.AsObject();

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", scheme["type"]!.GetValue<string>());
        Assert.Equal("header", scheme["in"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", scheme["name"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["ApiKey"]);
        var tagNames = document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["Steps", "Definitions", "Runs", "Artifacts", "Models", "API keys", "Users"], tagNames);

        // The platform's /api (the OpenAI-compatible serving API documents itself on its own terms).
        var operations = document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)).SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        Assert.True(operations.Count >= 25, $"only {operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
            var tags = operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
            Assert.DoesNotContain("T1.Server", tags);
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{name} does not document 401/403");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                Assert.True(response!["content"]?["application/problem+json"]?["schema"] is not null, $"{name} {status} has no problem-details schema");
        }
        Assert.Contains(operations, o => o.Path == "/api/runs/{id}" && o.Operation["responses"]!.AsObject().ContainsKey("404"));

        var publish = document["paths"]!["/api/definitions"]!["post"]!;
        Assert.NotNull(publish["requestBody"]!["content"]!["application/yaml"]);
        Assert.Equal("string", publish["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["workflow"]!["type"]!.GetValue<string>());
        Assert.True(publish["responses"]!.AsObject().ContainsKey("201"));
    }
}
