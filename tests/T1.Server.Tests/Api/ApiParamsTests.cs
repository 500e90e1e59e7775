using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Storage.Database;

namespace T1.Server.Tests.Api;

/// <summary>Params as JSON values (checked against the workflow's params) and the explicit schedule choice when publishing.</summary>
public sealed class ApiParamsTests() : TypedWorkflowApiTest(Yaml)
{
    private const string Yaml = "name: typed\nparams: { traces: 100, lr: 0.5, greedy: false, budgets: [16, 64], who: world }\nsteps:\n  - id: a\n    uses: echo\n    with: { message: \"${{ params.who }}\" }\n";

    [Fact]
    public async Task NumbersBooleansAndLists_AreTakenAsTheirJsonValues()
    {
        var response = await Http.PostAsync("/api/runs", Json("""{"name": "typed", "params": {"traces": 150, "lr": 0.001, "greedy": true, "budgets": [32, 128, 512], "who": "you"}}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("""{"traces":150,"lr":0.001,"greedy":true,"budgets":[32,128,512],"who":"you"}""", run["params"]!.ToJsonString());
    }

    [Fact]
    public async Task StringsAreStillReadLikeCommandLineParams()
    {
        var response = await Http.PostAsync("/api/runs", Json("""{"name": "typed", "params": {"traces": "150", "greedy": "yes"}}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(150, run["params"]!["traces"]!.GetValue<long>());
        Assert.True(run["params"]!["greedy"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"traces": 1.5}""", "traces", "param 'traces' of workflow 'typed' must be an integer like its default 100, got 1.5")]
    [InlineData("""{"greedy": 1}""", "greedy", "param 'greedy' of workflow 'typed' must be true or false like its default false, got 1")]
    [InlineData("""{"budgets": 16}""", "budgets", "param 'budgets' of workflow 'typed' must be a list like its default [16,64], got 16")]
    [InlineData("""{"who": 5}""", "who", "param 'who' of workflow 'typed' must be a string like its default \"world\", got 5")]
    [InlineData("""{"lr": null}""", "lr", "param 'lr' of workflow 'typed' must be a number like its default 0.5, got null")]
    [InlineData("""{"trace": 1}""", "trace", "unknown param 'trace'; did you mean 'traces'? Workflow 'typed' declares: traces, lr, greedy, budgets, who")]
    public async Task AValueOfTheWrongKind_Gets400_NamingTheParam(string @params, string param, string message)
    {
        var response = await Http.PostAsync("/api/runs", Json($$"""{"name": "typed", "params": {{@params}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Bad param", problem["title"]!.GetValue<string>());
        Assert.Equal(message, problem["detail"]!.GetValue<string>());
        Assert.Equal(param, problem["errors"]![0]!["param"]!.GetValue<string>());
        await using var db = Server.Get<DatabaseFactory>().Create();
        Assert.Empty(db.Runs);
    }

    [Fact]
    public async Task Publishing_ActivatesTheSchedule_UnlessScheduleOff()
    {
        var yaml = "name: nightly\nschedule: \"30 3 * * 1-5\"\nsteps:\n  - id: a\n    uses: echo\n    with: { message: hi }\n";
        var off = await Http.PostAsync("/api/definitions?schedule=off", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, off.StatusCode);
        Assert.DoesNotContain(RecurringJobs(), j => j == "workflow:nightly");

        var on = await Http.PostAsync("/api/definitions", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, on.StatusCode);
        Assert.Contains(RecurringJobs(), j => j == "workflow:nightly");

        var bad = await Http.PostAsync("/api/definitions?schedule=maybe", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("schedule must be 'on' (the default: the workflow's schedule: is active once published) or 'off' (published disabled), not 'maybe'.",
            (await bad.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    private List<string> RecurringJobs()
    {
        using var connection = Server.Get<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Select(j => j.Id).ToList();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
