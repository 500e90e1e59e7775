using T1.Ml.Tasks;
using T1.Ml.Synthesis;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Steps;

/// <summary>The `synthesize` step inside a real run: a dataset artifact of verified T1 traces.</summary>
public sealed class SynthesizeStepTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    [Fact]
    public async Task Synthesize_WritesDatasetArtifact_OfVerifiedTrialAndErrorTraces()
    {
        var d = await _p.RunAsync("""
            name: synth
            steps:
              - id: synth
                uses: synthesize
                with: { task: linear, count: 40, seed: 3, difficulty: 2 }
            """);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);
        var artifact = d.Artifacts.Single(a => a.Name == "dataset");
        var path = await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        using var reader = new StreamReader(path);
        var traces = TraceJsonlWriter.Read(reader).ToList();
        Assert.Equal(40, traces.Count);
        Assert.All(traces, t =>
        {
            Assert.Equal("linear", t.Task);
            Assert.StartsWith("<think>", t.Response);
            var problem = new Problem("synthesized", t.Task, t.Prompt, t.Answer, t.Difficulty, new Dictionary<string, string>());
            Assert.True(ResponseGrader.Grade(problem, t.Response).IsCorrect, t.Response);
        });
        Assert.Contains(traces, t => t.Response.Contains("not", StringComparison.Ordinal)); // some traces show a corrected mistake
    }

    [Fact]
    public async Task Synthesize_AskingForMoreProblemsThanExist_FailsWithActionableMessage()
    {
        var d = await _p.RunAsync("""
            name: synth-too-many
            steps:
              - id: synth
                uses: synthesize
                with: { task: arithmetic, count: 300, difficulty: 1 }
            """, timeout: TimeSpan.FromMinutes(3));
        var step = d.Steps.Single();
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("ask for fewer or raise the difficulty", step.Error);
    }
}
