using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using T1.Server.Hosting;
using T1.Storage.Database;

namespace T1.Server.Tests.Api;

/// <summary>The JSON API over real HTTP (Kestrel on a loopback port), embedded default with its worker.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private string _dir = "";

    public async Task InitializeAsync()
    {
        _dir = Path.Combine(Path.GetTempPath(), "t1-api-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new T1Options { DataDirectory = _dir };
        ConfigurationLoader.Normalise(options);
        _app = ServerApp.Build(options, "http://127.0.0.1:0", worker: true);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Hello = """
        name: api-hello
        steps:
          - id: a
            uses: echo
            with: { message: hi }
        """;

    [Fact]
    public async Task StartRun_ThenPoll_ShowsSucceededRunWithStepsAndArtifacts()
    {
        var created = await _http.PostAsJsonAsync("/api/runs", new { workflow = Hello });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        JsonObject run = null!;
        for (var i = 0; i < 100; i++)
        {
            run = (await _http.GetFromJsonAsync<JsonObject>($"/api/runs/{id}"))!;
            if (run["run"]!["status"]!.GetValue<string>() != "Running") break;
            await Task.Delay(100);
        }
        Assert.Equal("Succeeded", run["run"]!["status"]!.GetValue<string>());
        Assert.Equal("hi", run["steps"]![0]!["outputs"]!["message"]!.GetValue<string>());
        var sha = run["artifacts"]![0]!["sha256"]!.GetValue<string>();
        Assert.Equal("hi", await _http.GetStringAsync($"/api/artifacts/{sha}"));
    }

    [Fact]
    public async Task InvalidWorkflow_Gets400_WithFileLineColumnDiagnostics_AndNothingIsStored()
    {
        var response = await _http.PostAsJsonAsync("/api/runs", new { workflow = Hello.Replace("uses: echo", "uses: ecko"), file_name = "mine.yaml" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var text = problem["errors"]![0]!["text"]!.GetValue<string>();
        Assert.StartsWith("mine.yaml:4:", text);
        Assert.Contains("ecko", text);
        await using var db = _app.Services.GetRequiredService<DatabaseFactory>().Create();
        Assert.Empty(db.Definitions);
        Assert.Empty(db.Runs);
    }

    [Theory]
    [InlineData("/api/runs", "{not json")]
    [InlineData("/api/runs", "{\"workflow\": 42}")]
    [InlineData("/api/runs", "{}")]
    [InlineData("/api/definitions/validate", "")]
    [InlineData("/api/definitions", "steps: [")]
    public async Task BadInput_Gets400_NeverA500(string path, string body)
    {
        var response = await _http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? "");
    }

    [Fact]
    public async Task UnknownParam_Gets400_NamingIt()
    {
        var yaml = "name: p\nparams: { seed: 1 }\nsteps:\n  - id: a\n    uses: echo\n    with: { message: \"${{ params.seed }}\" }\n";
        var response = await _http.PostAsJsonAsync("/api/runs", new { workflow = yaml, @params = new Dictionary<string, string> { ["sede"] = "2" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sede", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/runs/nope")]
    [InlineData("/api/artifacts/0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Missing_Gets404(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(path)).StatusCode);

    [Theory]
    [InlineData("/api/artifacts/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/runs?status=sleepy")]
    public async Task HostilePathsAndBadQueries_Get400(string path) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(path)).StatusCode);

    [Fact]
    public async Task Steps_ListsDeclaredStepTypes_WithInputsAndOutputs()
    {
        var steps = (await _http.GetFromJsonAsync<JsonArray>("/api/steps"))!;
        var echo = steps.Single(s => s!["name"]!.GetValue<string>() == "echo")!;
        Assert.Equal("message", echo["inputs"]![0]!["name"]!.GetValue<string>());
        Assert.True(echo["inputs"]![0]!["required"]!.GetValue<bool>());
    }
}
