using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Tests.Portal;
using T1.Storage.Database;
using T1.Workflows.Engine;
using static T1.Server.Tests.Security.Requests;

namespace T1.Server.Tests.Security;

/// <summary>
/// The embedded default (`t1 serve` on loopback, open, no sign-in) against what any web page the user visits can send:
/// cross-site writes and DNS rebinding. Each refused request must leave the database as it was.
/// </summary>
public sealed class OpenModeDriveByTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(requireLogin: false);
        _http = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private const string Scheduled = "name: drive-by\nschedule: \"* * * * *\"\nsteps:\n  - id: a\n    uses: echo\n    with: { message: pwned }\n";
    private const string Nap = "name: nap\nsteps:\n  - id: a\n    uses: sleep\n    with: { duration: 60s }\n";
    private const string Fails = "name: fails\nsteps:\n  - id: a\n    uses: fail\n";

    private Task<DatabaseState> StateAsync() => DatabaseState.ReadAsync(_server.Get<DatabaseFactory>());

    private string Port => new Uri(_server.Address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<HttpStatusCode> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task CrossSite_PublishAsTextPlain_WithSchedule_Gets403_AndNothingIsStoredOrStarted()
    {
        var before = await StateAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Post("/api/definitions", Scheduled, origin: Evil)));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Post("/api/definitions", Scheduled, fetchSite: "cross-site")));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Post("/api/definitions", Scheduled, "application/yaml", origin: Evil)));
        // A text/plain body is refused even without Origin: it is what a page can send without asking (no preflight).
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await SendAsync(Post("/api/definitions", Scheduled)));
        await Task.Delay(1500); // a stored schedule of "* * * * *" would have had its chance to start a run (1 s schedule poll)
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task CrossSite_CancelAndResume_WithoutBody_Get403_AndTheRunsAreUntouched()
    {
        var running = await _server.StartRunAsync(Nap);
        var failed = await _server.StartRunAsync(Fails);
        await WaitForStatusAsync(failed, RunStatus.Failed);
        var before = await StateAsync();

        var refused = new List<string>();
        foreach (var (path, origin, site) in new[]
        {
            ($"/api/runs/{running}/cancel", Evil, (string?)null),
            ($"/api/runs/{running}/cancel", null, "cross-site"),
            ($"/api/runs/{running}/cancel", "null", null),
            ($"/api/runs/{failed}/resume", Evil, null),
            ($"/api/runs/{failed}/resume", null, "same-site"),
        })
        {
            var status = await SendAsync(Post(path, origin: origin, fetchSite: site));
            if (status != HttpStatusCode.Forbidden) refused.Add($"{path} origin={origin} site={site}: {(int)status}");
        }
        Assert.True(refused.Count == 0, string.Join("\n", refused));
        await Task.Delay(500);
        Assert.Equal(before, await StateAsync());
        Assert.Contains($"{running} Running", before.Runs);
        Assert.Contains($"{failed} Failed", before.Runs);

        // The same requests from the server's own pages (same origin) and from scripts (no Origin) work.
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(Post($"/api/runs/{running}/cancel", origin: _server.Address.TrimEnd('/'), fetchSite: "same-origin")));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(Post($"/api/runs/{failed}/resume")));
    }

    [Fact]
    public async Task DnsRebinding_AnyOtherHostName_Gets400_BeforeAnyEndpoint_AndNothingChanges()
    {
        var before = await StateAsync();
        var wrong = new List<string>();
        foreach (var host in new[] { $"evil.example:{Port}", "evil.example", $"127.0.0.1.nip.io:{Port}", $"127.0.0.1:{(int.Parse(Port) % 60000) + 1}" })
        {
            foreach (var path in new[] { "/api/runs", "/api/artifacts/" + new string('0', 64), "/hangfire", "/", "/healthz" })
                Check(await SendAsync(Get(path, host)), HttpStatusCode.BadRequest, $"GET {path} Host: {host}");
            Check(await SendAsync(Post("/api/runs", "{\"workflow\": \"" + Nap.Replace("\n", "\\n").Replace("\"", "\\\"") + "\"}", "application/json", host: host)),
                HttpStatusCode.BadRequest, $"POST /api/runs Host: {host}");
            Check(await SendAsync(Post("/api/keys", "{\"name\": \"x\", \"role\": \"admin\"}", "application/json", host: host)), HttpStatusCode.BadRequest, $"POST /api/keys Host: {host}");
            Check(await SendAsync(Post("/api/users", "{\"name\": \"x\", \"password\": \"xxxxxxxxxx\", \"role\": \"admin\"}", "application/json", host: host)),
                HttpStatusCode.BadRequest, $"POST /api/users Host: {host}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(before, await StateAsync());

        using var refused = await _http.SendAsync(Get("/api/runs", $"evil.example:{Port}"));
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"host 'evil.example:{Port}' is not this server: a server that runs open answers only to localhost, 127.0.0.1 and [::1] on port {Port}, "
            + $"so that other web sites cannot reach it (DNS rebinding). Open http://127.0.0.1:{Port}/ instead, "
            + "or require sign-in (T1__Auth__RequireLogin=true) and list this name in T1__Auth__AllowedHosts.", problem["detail"]!.GetValue<string>());

        foreach (var host in new[] { $"127.0.0.1:{Port}", $"localhost:{Port}", $"LOCALHOST:{Port}", $"[::1]:{Port}" })
            Check(await SendAsync(Get("/api/runs", host)), HttpStatusCode.OK, $"GET /api/runs Host: {host}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        void Check(HttpStatusCode actual, HttpStatusCode expected, string what)
        {
            if (actual != expected) wrong.Add($"{what}: {(int)actual}, expected {(int)expected}");
        }
    }

    [Fact]
    public async Task OpenMode_RefusesToCreateKeysOrUsers_OverHttp_EvenFromScripts()
    {
        var before = await StateAsync();
        using var key = await _http.PostAsJsonAsync("/api/keys", new { name = "drive-by", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, key.StatusCode);
        Assert.Contains("Use the CLI (`t1 keys create NAME --role R`, `t1 users …`)", (await key.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        using var user = await _http.PostAsJsonAsync("/api/users", new { name = "mallory", password = "mallory-password", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(Post("/api/users/admin/disable")));
        Assert.Equal(before, await StateAsync());
        Assert.Equal("", before.Keys + before.Users);
    }

    [Fact]
    public async Task CrossSite_DashboardActions_AndThePortalsLiveConnection_Get403()
    {
        var before = await StateAsync();
        foreach (var (method, path) in new[]
        {
            ("POST", "/hangfire/recurring/trigger"), ("POST", "/hangfire/jobs/enqueued/delete"),
            ("POST", "/_blazor/negotiate?negotiateVersion=1"), ("GET", "/_blazor?id=x"), ("POST", "/account/logout"),
        })
        {
            using var response = await _http.SendAsync(With(new HttpRequestMessage(new HttpMethod(method), path), Evil, null, "cross-site"));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
        }
        // The same negotiation from the server's own page is answered: the refusal above came from the cross-site check.
        using var own = await _http.SendAsync(Post("/_blazor/negotiate?negotiateVersion=1", origin: _server.Address.TrimEnd('/'), fetchSite: "same-origin"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task OpenMode_RefusesRequestsForwardedByAProxy()
    {
        var request = Get("/api/runs");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("T1__Auth__RequireLogin=true", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SameOriginPages_AndScriptsWithoutOrigin_StillStartRuns()
    {
        var body = "{\"workflow\": \"name: ok\\nsteps:\\n  - id: a\\n    uses: echo\\n    with: { message: hi }\\n\"}";
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Post("/api/runs", body, "application/json", origin: _server.Address.TrimEnd('/'), fetchSite: "same-origin")));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Post("/api/runs", body, "application/json")));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(Post("/api/definitions", Scheduled.Replace("schedule: \"* * * * *\"\n", ""), "application/yaml")));
    }

    private async Task WaitForStatusAsync(string runId, RunStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var run = (await _http.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!;
            if (run["run"]!["status"]!.GetValue<string>() == status.ToString()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"run {runId} did not become {status} in 30 s");
    }
}
