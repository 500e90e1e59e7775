using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Api;

/// <summary>GET /api/runs with the search language, sort and total; tags and notes; a bad query is a 400 naming the column, never a 500.</summary>
public sealed class RunSearchApiTests() : TypedWorkflowApiTest(Yaml)
{
    private const string Yaml = "name: typed\nparams: { lr: 0.5, who: world }\nsteps:\n  - id: a\n    uses: echo\n    with: { message: \"${{ params.who }}\" }\n";

    [Fact]
    public async Task Search_FiltersSortsAndCounts_TagsAndNotesAreSearchable()
    {
        var low = await StartAsync(0.001, "ann");
        var high = await StartAsync(0.1, "bob");
        await StartAsync(0.01, "cy");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PutAsJsonAsync($"/api/runs/{high}/tags/team", new { value = "ml" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PutAsJsonAsync($"/api/runs/{high}/note", new { note = "Best so far" })).StatusCode);

        var response = await Http.GetAsync("/api/runs?q=" + Uri.EscapeDataString("params.lr >= 0.01 and workflow = typed") + "&sort=params.lr&order=asc&limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("X-Total-Count").Single());
        var page = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal("cy", Assert.Single(page)!["params"]!["who"]!.GetValue<string>());

        var tagged = (await Http.GetFromJsonAsync<JsonArray>("/api/runs?q=" + Uri.EscapeDataString("tags.team = ml and note ~ best")))!;
        Assert.Equal(high, Assert.Single(tagged)!["id"]!.GetValue<string>());
        Assert.Equal("Best so far", tagged[0]!["note"]!.GetValue<string>());
        Assert.Equal("""{"team":"ml"}""", (await Http.GetFromJsonAsync<JsonObject>($"/api/runs/{high}/tags"))!.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/runs/{high}/tags/team")).StatusCode);
        Assert.Empty((await Http.GetFromJsonAsync<JsonArray>("/api/runs?q=" + Uri.EscapeDataString("tags.team = ml")))!);

        // The old filters still work, alone and together with q.
        var byStatus = (await Http.GetFromJsonAsync<JsonArray>("/api/runs?workflow=typed&status=succeeded&q=" + Uri.EscapeDataString("params.who = ann")))!;
        Assert.Equal(low, Assert.Single(byStatus)!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("params.lr <", "search, column 12: expected a value after params.lr <, found the end of the query")]
    [InlineData("status = done", "search, column 10: 'done' is not a status; statuses are running, succeeded, failed, cancelled, interrupted")]
    public async Task BadQuery_Is400_NamingTheColumn(string query, string message)
    {
        var response = await Http.GetAsync("/api/runs?q=" + Uri.EscapeDataString(query));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Bad search", problem["title"]!.GetValue<string>());
        Assert.StartsWith(message + ". The search language:", problem["detail"]!.GetValue<string>());
        Assert.Equal(message, problem["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadSortOrTag_Is400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/api/runs?sort=nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/api/runs?order=up")).StatusCode);
        var run = await StartAsync(0.5, "x");
        var bad = await Http.PutAsJsonAsync($"/api/runs/{run}/tags/has%20space", new { value = "v" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("tag name 'has space' must be 1–100 letters, digits or _ - @ / : (it is searched as tags.NAME).",
            (await bad.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PutAsJsonAsync("/api/runs/nope/tags/team", new { value = "v" })).StatusCode);
    }

    private async Task<string> StartAsync(double lr, string who)
    {
        var response = await Http.PostAsJsonAsync("/api/runs", new { name = "typed", @params = new { lr, who } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
