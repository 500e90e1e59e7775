using System.Text.Json.Nodes;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Steps;

/// <summary>
/// What the teacher-synthesis tests share whatever hosts them (the server app, or worker processes): the workflow of
/// one <c>synthesize</c> step with a teacher, waiting for its run, and reading the run's artifacts.
/// </summary>
public abstract class TeacherSynthesisTest
{
    /// <summary>A service of the host that runs the workflows (its database and artifact store).</summary>
    protected abstract T Get<T>() where T : notnull;

    /// <summary>
    /// A run of one step <c>teacher</c>: <c>synthesize</c> of the first <paramref name="count"/> problems of
    /// <paramref name="source"/> by <paramref name="model"/> at <paramref name="teacherUrl"/>; <paramref name="with"/>: more
    /// inputs, one <c>key: value</c> a line.
    /// </summary>
    protected static string Workflow(string name, string source, int count, string teacherUrl, string model, params string[] with) => $"""
        name: {name}
        steps:
          - id: teacher
            uses: synthesize
            with:
              task: jsonl
              source: {source}
              count: {count}
              teacher_url: {teacherUrl}
              teacher_model: {model}
        {string.Concat(with.Select(w => $"      {w}\n"))}
        """;

    /// <summary>Waits until the run is final and no attempt is still running.</summary>
    protected async Task<RunDetails> WaitForRunAsync(string runId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var d = (await Get<RunQueries>().GetAsync(runId))!;
            if (d.Run.Status.IsFinal() && d.Steps.All(s => s.Status != StepStatus.Running)) return d;
            if (DateTime.UtcNow > until) throw new TimeoutException($"run {runId} still {d.Run.Status}");
            await Task.Delay(100);
        }
    }

    /// <summary>The text of the run's artifact <paramref name="name"/>.</summary>
    protected async Task<string> ArtifactTextAsync(RunDetails details, string name)
    {
        var artifact = details.Artifacts.Single(a => a.Name == name);
        var path = await Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        return await File.ReadAllTextAsync(path);
    }

    /// <summary>The lines of the run's JSONL artifact <paramref name="name"/>.</summary>
    protected async Task<List<JsonNode>> ArtifactLinesAsync(RunDetails details, string name) =>
        (await ArtifactTextAsync(details, name)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
}
