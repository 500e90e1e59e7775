using System.Text.Json.Nodes;
using T1.Ml.Synthesis;
using T1.Ml.Tasks;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Server.Tests.Serving;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Steps;

/// <summary>
/// Teacher synthesis end to end with no outside service: `t1 serve` (the real server app, sign-in required) serves a
/// tiny champion over /v1/chat/completions, and a run of that same server's workflow engine asks it as the teacher,
/// with the viewer API key read from an environment variable of the worker.
/// </summary>
public sealed class TeacherSynthesisEndToEndTests : TeacherSynthesisTest, IAsyncLifetime
{
    private PortalServer _server = null!;
    private readonly string _keyVariable = "T1_TEST_TEACHER_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly string _dir = Directory.CreateTempSubdirectory("t1-teacher-e2e-").FullName;

    protected override T Get<T>() => _server.Get<T>();

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(configure: o => o.Serving.Device = "cpu");
        await TinyReasoner.RegisterAsync(_server, "tiny", TinyReasoner.Trained);
        Environment.SetEnvironmentVariable(_keyVariable, await _server.KeyAsync(Roles.Viewer));
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_keyVariable, null);
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TheServedChampion_IsTheTeacher_AndOnlyVerifiedTracesAreKept()
    {
        var source = Path.Combine(_dir, "train.jsonl");
        await File.WriteAllLinesAsync(source, [
            """{"question": "Compute 3+4.", "answer": "It is 3 plus 4.\n#### 7"}""",
            """{"question": "Compute 9-5.", "answer": "#### 4"}""",
            """{"question": "Compute 9-5.", "answer": "#### 5"}""",
        ]);
        var runId = await _server.StartRunAsync(Workflow("teacher-e2e", source, 3, $"{_server.Address.TrimEnd('/')}/v1", "tiny",
            $"teacher_api_key: env:{_keyVariable}", "teacher_system_prompt: \"\"", "teacher_temperature: 0", "teacher_max_tokens: 64",
            "traces_per_problem: 2", "teacher_concurrency: 4"));
        var details = await WaitForRunAsync(runId, TimeSpan.FromMinutes(3));
        var step = details.Steps.Single();
        Assert.True(step.Status == StepStatus.Succeeded, step.Error);

        var traces = TraceJsonlWriter.Read(new StringReader(await ArtifactTextAsync(details, "dataset"))).ToList();
        // GSM8K-style answers are imported after "####"; the third problem's reference (5) is not what the teacher says.
        Assert.Equal([
            new SynthesizedTrace("Compute 3+4.", TinyReasoner.Trace("3+4", "7"), "7", TaskRegistry.Jsonl, 0),
            new SynthesizedTrace("Compute 3+4.", TinyReasoner.Trace("3+4", "7"), "7", TaskRegistry.Jsonl, 0),
            new SynthesizedTrace("Compute 9-5.", TinyReasoner.Trace("9-5", "4"), "4", TaskRegistry.Jsonl, 0),
            new SynthesizedTrace("Compute 9-5.", TinyReasoner.Trace("9-5", "4"), "4", TaskRegistry.Jsonl, 0),
        ], traces);

        var responses = await ArtifactLinesAsync(details, "responses");
        Assert.Equal(6, responses.Count);
        Assert.Equal([true, true, true, true, false, false], responses.Select(r => (bool)r["accepted"]!));
        Assert.All(responses, r => Assert.True((long)r["completion_tokens"]! > 0 && (long)r["prompt_tokens"]! > 0, r.ToJsonString()));
        Assert.Equal("4", (string?)responses[4]["extracted"]);
        Assert.Equal(2.0 / 3, (double)JsonNode.Parse(step.OutputsJson!)!["acceptance_rate"]!, 6);
    }
}
