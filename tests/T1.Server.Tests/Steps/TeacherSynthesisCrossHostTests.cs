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
public sealed class TeacherSynthesisCrossHostTests : TeacherWorkerTest
{
    private const int Problems = 6, PerProblem = 2, FirstHost = 5;

    private volatile bool _teacherFails = true;

    /// <summary>Problem i asks for i + 100 and the teacher answers it; after <see cref="FirstHost"/> answers it fails (HTTP 503) until told otherwise.</summary>
    private RecordedTeacher.Reply Answer(RecordedTeacher.Request request, int n) =>
        _teacherFails && n >= FirstHost ? new(503, RecordedTeacher.Error("overloaded")) : Correct(request);

    [Fact]
    public async Task AResumeOnAnotherHost_ContinuesFromTheStoredResponses_WithoutLosingOrRepeatingAny()
    {
        await using var teacher = new RecordedTeacher(Answer);
        var source = await WriteProblemsAsync(Problems);
        var hostA = await StartWorkerAsync("host-a");
        var run = await Client.StartAsync(Workflow("teacher-cross-host", source, Problems, teacher.BaseUrl, "teacher",
            $"traces_per_problem: {PerProblem}", "teacher_concurrency: 1", "teacher_retries: 0"));
        var failed = await Client.WaitAsync(run.Id, TimeSpan.FromMinutes(3));
        var first = failed.Steps.Single();
        Assert.True(first.Status == StepStatus.Failed, $"{first.Status} {first.Error}\n{hostA.Output}");
        Assert.Equal("host-a", first.Worker);
        Assert.Contains("answered HTTP 503 (overloaded)", first.Error, StringComparison.Ordinal);
        var askedByA = teacher.Requests.Take(FirstHost).Select(Asked).ToList();
        await StopWorkerAsync(hostA); // host A is gone, and its work file with it as far as host B can tell

        _teacherFails = false;
        var before = teacher.Requests.Count;
        // Same folder name, so the same bucket (WorkerProcess.S3Settings), but another folder: host B's own disk.
        var hostB = await StartWorkerAsync("host-b", Path.Combine(OtherHostDirectory, Path.GetFileName(Client.Directory)));
        Assert.Equal(ResumeResult.Resumed, await Client.Get<RunControl>().ResumeAsync(run.Id));
        var d = await Client.WaitAsync(run.Id, TimeSpan.FromMinutes(3));
        var step = d.Steps.Single();
        Assert.True(d.Run.Status == RunStatus.Succeeded, $"{step.Error}\n{hostB.Output}");
        Assert.Equal("host-b", step.Worker);

        var total = Problems * PerProblem;
        var askedByB = teacher.Requests.Skip(before).Select(Asked).ToList();
        Assert.Equal(total - FirstHost, askedByB.Count);
        Assert.Empty(askedByB.Intersect(askedByA));
        var logs = await Client.Get<RunQueries>().LogsAsync(run.Id, "teacher");
        Assert.Contains(logs, l => l.Attempt == step.Attempt && l.Message ==
            $"resuming: {FirstHost} of {total} teacher responses were finished by an earlier attempt (0 in the work file, {FirstHost} more from its stored responses); asking for the other {total - FirstHost}");

        var lines = await ArtifactLinesAsync(d, "responses");
        var keys = lines.Select(n => ((int)n["problem"]!, (int)n["sample"]!)).ToList();
        Assert.Equal(Enumerable.Range(0, Problems).SelectMany(p => Enumerable.Range(0, PerProblem).Select(s => (p, s))), keys); // every one, once, in order
        Assert.All(lines, n => Assert.True((bool)n["accepted"]!, n.ToJsonString()));
        Assert.Equal(total, (int)JsonNode.Parse(step.OutputsJson!)!["count"]!);
    }
}
