using System.Text.Json.Nodes;
using T1.Ml.Tests.Synthesis.Teacher;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Steps;

/// <summary>
/// Teacher synthesis resumed on another host: a `t1 worker` process (host A, its own data folder) gets part of the
/// responses before the teacher fails; the run is resumed on a second `t1 worker` process (host B, another data
/// folder: no work file of A's) that shares only the database and the artifact store (PostgreSQL + S3). B continues
/// from the responses A stored and asks the teacher only for the rest: no response is lost or asked twice.
/// </summary>
public sealed class TeacherSynthesisCrossHostTests : IAsyncLifetime
{
    private const int Problems = 6, PerProblem = 2, FirstHost = 5;

    private PlatformHarness _client = null!;
    private string _db = "";
    private readonly List<WorkerProcess> _workers = [];
    private readonly string _hostB = Path.Combine(Path.GetTempPath(), "t1-host-b-" + Guid.NewGuid().ToString("N")[..8]);
    private volatile bool _teacherFails = true;

    public async Task InitializeAsync()
    {
        _db = await TestEnvironment.CreatePostgresDatabaseAsync();
        _client = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: _db, s3: true);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        await _client.DisposeAsync();
        if (Directory.Exists(_hostB)) Directory.Delete(_hostB, recursive: true);
    }

    /// <summary>Problem i asks for i + 100 and the teacher answers it; after <see cref="FirstHost"/> answers it fails (HTTP 503) until told otherwise.</summary>
    private RecordedTeacher.Reply Answer(RecordedTeacher.Request request, int n)
    {
        if (_teacherFails && n >= FirstHost) return new(503, RecordedTeacher.Error("overloaded"));
        var i = int.Parse(RecordedTeacher.Problem(request).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new(200, RecordedTeacher.Completion($"<think>\n{i}+100={i + 100}.\n</think>\nFinal answer: \\boxed{{{i + 100}}}"));
    }

    [Fact]
    public async Task AResumeOnAnotherHost_ContinuesFromTheStoredResponses_WithoutLosingOrRepeatingAny()
    {
        await using var teacher = new RecordedTeacher(Answer);
        var source = Path.Combine(_client.Directory, "problems.jsonl");
        await File.WriteAllLinesAsync(source, Enumerable.Range(0, Problems).Select(i => $$"""{"problem": "Compute {{i}} + 100.", "answer": "{{i + 100}}"}"""));
        var hostA = await WorkerProcess.StartAsync("host-a", "gpu,cpu", _db, _client.Directory);
        _workers.Add(hostA);
        var run = await _client.StartAsync($$"""
            name: teacher-cross-host
            steps:
              - id: teacher
                uses: synthesize
                with:
                  task: jsonl
                  source: {{source}}
                  count: {{Problems}}
                  traces_per_problem: {{PerProblem}}
                  teacher_url: {{teacher.BaseUrl}}
                  teacher_model: teacher
                  teacher_concurrency: 1
                  teacher_retries: 0
            """);
        var failed = await _client.WaitAsync(run.Id, TimeSpan.FromMinutes(3));
        var first = failed.Steps.Single();
        Assert.True(first.Status == StepStatus.Failed, $"{first.Status} {first.Error}\n{hostA.Output}");
        Assert.Equal("host-a", first.Worker);
        Assert.Contains("answered HTTP 503 (overloaded)", first.Error, StringComparison.Ordinal);
        var askedByA = teacher.Requests.Take(FirstHost).Select(r => ((string?)r.Body["seed"]?.ToString(), RecordedTeacher.Problem(r))).ToList();
        _workers.Remove(hostA);
        await hostA.DisposeAsync(); // host A is gone, and its work file with it as far as host B can tell

        _teacherFails = false;
        var before = teacher.Requests.Count;
        // Same folder name, so the same bucket (WorkerProcess.S3Settings), but another folder: host B's own disk.
        var hostB = await WorkerProcess.StartAsync("host-b", "gpu,cpu", _db, Path.Combine(_hostB, Path.GetFileName(_client.Directory)));
        _workers.Add(hostB);
        Assert.Equal(ResumeResult.Resumed, await _client.Get<RunControl>().ResumeAsync(run.Id));
        var d = await _client.WaitAsync(run.Id, TimeSpan.FromMinutes(3));
        var step = d.Steps.Single();
        Assert.True(d.Run.Status == RunStatus.Succeeded, $"{step.Error}\n{hostB.Output}");
        Assert.Equal("host-b", step.Worker);

        var total = Problems * PerProblem;
        var askedByB = teacher.Requests.Skip(before).Select(r => ((string?)r.Body["seed"]?.ToString(), RecordedTeacher.Problem(r))).ToList();
        Assert.Equal(total - FirstHost, askedByB.Count);
        Assert.Empty(askedByB.Intersect(askedByA));
        var logs = await _client.Get<RunQueries>().LogsAsync(run.Id, "teacher");
        Assert.Contains(logs, l => l.Attempt == step.Attempt && l.Message ==
            $"resuming: {FirstHost} of {total} teacher responses were finished by an earlier attempt (0 in the work file, {FirstHost} more from its stored responses); asking for the other {total - FirstHost}");

        var artifact = d.Artifacts.Single(a => a.Name == "responses");
        var path = await _client.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        var lines = (await File.ReadAllLinesAsync(path)).Select(l => JsonNode.Parse(l)!).ToList();
        var keys = lines.Select(n => ((int)n["problem"]!, (int)n["sample"]!)).ToList();
        Assert.Equal(Enumerable.Range(0, Problems).SelectMany(p => Enumerable.Range(0, PerProblem).Select(s => (p, s))), keys); // every one, once, in order
        Assert.All(lines, n => Assert.True((bool)n["accepted"]!, n.ToJsonString()));
        Assert.Equal(total, (int)JsonNode.Parse(step.OutputsJson!)!["count"]!);
    }
}
