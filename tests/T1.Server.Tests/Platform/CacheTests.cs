using System.Text.Json.Nodes;
using T1.Server.Hosting;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Platform;

/// <summary>The step cache reuses a result only when it provably would be the same.</summary>
public sealed class CacheTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static StepCacheKey Key(string uses, JsonObject inputs)
    {
        var def = new T1.Workflows.Definitions.StepDefinition { Id = "s", Uses = uses, Needs = [], Queue = "cpu", With = inputs };
        return StepCacheKey.Compute(def, StepCatalogs.Default.Find(uses), inputs, CanonicalJson.Write(inputs));
    }

    [Fact]
    public void Promote_IsNeverCached_ItActsOnTheRegistry()
    {
        var key = Key("promote", new JsonObject { ["model"] = "m" });
        Assert.False(key.Usable);
        Assert.Equal("step type 'promote' has side effects", key.Why);
    }

    [Fact]
    public void Key_ChangesWithTheContentOfAFileAnInputNames()
    {
        var file = Path.Combine(_p.Directory, "problems.jsonl");
        File.WriteAllText(file, "{\"q\": 1}\n");
        var inputs = new JsonObject { ["message"] = file };
        var first = Key("echo", inputs);
        Assert.True(first.Usable);
        Assert.Equal(first, Key("echo", inputs));
        File.WriteAllText(file, "{\"q\": 2}\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        Assert.NotEqual(first.Value, Key("echo", inputs).Value);
    }

    [Fact]
    public void Key_IsRefused_WhenAnInputNamesAPathThatIsNotHere()
    {
        var key = Key("echo", new JsonObject { ["message"] = "/nowhere/data.jsonl" });
        Assert.False(key.Usable);
        Assert.Equal("input 'message' names '/nowhere/data.jsonl', which is not on this machine, so its content cannot be hashed", key.Why);
    }

    [Fact]
    public async Task NoCache_RunsEveryStepAgain()
    {
        const string yaml = """
            name: no-cache
            steps:
              - id: a
                uses: echo
                with: { message: same }
            """;
        var first = await _p.RunAsync(yaml);
        var again = await _p.WaitAsync((await _p.Get<WorkflowEngine>().StartRunAsync(PlatformHarness.Workflow(yaml), new Dictionary<string, string>(), RunTrigger.Cli, noCache: true)).Id);
        var cached = await _p.RunAsync(yaml);
        Assert.Equal(RunStatus.Succeeded, again.Run.Status);
        Assert.Null(again.Steps.Single().CachedFromRunId);
        Assert.Equal(1, again.Steps.Single().Attempt);
        Assert.Null(first.Steps.Single().CachedFromRunId);
        Assert.Equal(again.Run.Id, cached.Steps.Single().CachedFromRunId); // without --no-cache: the newest equal result
    }
}
