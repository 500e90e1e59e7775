using System.Text.Json.Nodes;
using T1.Ml.Steps;
using T1.Ml.Synthesis.Teacher;
using T1.Ml.Tests.Synthesis.Teacher;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Steps;

/// <summary>
/// A `t1 worker` process killed with SIGKILL in the middle of teacher synthesis (a teacher request in flight, no
/// shutdown, no snapshot of the responses): the reconciler of a second worker on the same host takes the attempt for
/// dead and runs it again, which keeps the responses the dead attempt had finished (its work file) and asks the
/// teacher only for the missing ones, the one that was in flight included.
/// </summary>
public sealed class TeacherSynthesisKillTests : TeacherWorkerTest
{
    private const int Problems = 6, PerProblem = 2, BeforeKill = 5;

    /// <summary>
    /// Right answers, except that the request after the first <see cref="BeforeKill"/> (number <see cref="BeforeKill"/>,
    /// 0-based) is held: the worker dies waiting for it.
    /// </summary>
    private static RecordedTeacher.Reply Answer(RecordedTeacher.Request request, int n) =>
        n == BeforeKill ? Correct(request) with { Delay = TimeSpan.FromMinutes(10) } : Correct(request);

    [Fact]
    public async Task AWorkerKilledMidSynthesis_IsReplaced_AndOnlyTheMissingResponsesAreAskedAgain()
    {
        await using var teacher = new RecordedTeacher(Answer);
        var source = await WriteProblemsAsync(Problems);
        var doomed = await StartWorkerAsync("doomed");
        var run = await Client.StartAsync(Workflow("teacher-kill", source, Problems, teacher.BaseUrl, "teacher",
            $"traces_per_problem: {PerProblem}", "teacher_concurrency: 1", "teacher_retries: 0"));
        // One request at a time: the held request arriving means the 5 before it were answered and are in the work file,
        // and nothing more can be until the kill.
        var until = DateTime.UtcNow.AddMinutes(4);
        while (teacher.Requests.Count <= BeforeKill)
        {
            Assert.True(DateTime.UtcNow < until, $"the teacher got {teacher.Requests.Count} requests in 4 minutes\n{doomed.Output}");
            await Task.Delay(100);
        }
        doomed.KillHard();
        await doomed.WaitForExitAsync();
        var answered = teacher.Requests.Take(BeforeKill).Select(Asked).ToList();
        var before = teacher.Requests.Count; // the held request included: it was never answered
        Assert.Equal(BeforeKill + 1, before);
        var workFile = Directory.GetFiles(Client.Directory, SynthesizeStep.WorkFileName, SearchOption.AllDirectories).Single();
        Assert.Equal(Enumerable.Range(0, BeforeKill).Select(i => (i / PerProblem, i % PerProblem)), // the dead attempt's work file: the 5 answered, nothing else
            TeacherWorkFile.Read(workFile, out var unreadable).Select(r => (r.Problem, r.Sample)));
        Assert.Equal(0, unreadable);
        await using (var db = Client.Get<DatabaseFactory>().Create())
            Assert.Equal(StepStatus.Running, db.StepRuns.Where(s => s.RunId == run.Id).Select(s => s.Status).Single()); // killed mid-step

        var rescuer = await StartWorkerAsync("rescuer"); // same host: the dead attempt's step folder is on its disk
        var d = await WaitForRunAsync(run.Id, TimeSpan.FromMinutes(4));
        var step = d.Steps.Single();
        Assert.True(d.Run.Status == RunStatus.Succeeded, $"{step.Status}: {step.Error}\n{rescuer.Output}");
        Assert.Equal((2, 1, "rescuer"), (step.Attempt, step.Deaths, step.Worker));

        var total = Problems * PerProblem;
        var askedAgain = teacher.Requests.Skip(before).Select(Asked).ToList();
        Assert.Equal(total - BeforeKill, askedAgain.Count);
        Assert.Empty(askedAgain.Intersect(answered));
        Assert.Equal(askedAgain.Count, askedAgain.Distinct().Count());
        var logs = await Client.Get<RunQueries>().LogsAsync(run.Id, "teacher");
        Assert.Contains(logs, l => l.Attempt == 2 && l.Message ==
            $"resuming: {BeforeKill} of {total} teacher responses were finished by an earlier attempt ({BeforeKill} in the work file, 0 more from its stored responses); asking for the other {total - BeforeKill}");

        var lines = await ArtifactLinesAsync(d, "responses");
        Assert.Equal(Enumerable.Range(0, Problems).SelectMany(p => Enumerable.Range(0, PerProblem).Select(s => (p, s))),
            lines.Select(n => ((int)n["problem"]!, (int)n["sample"]!))); // every one, once, in order
        Assert.All(lines, n => Assert.True((bool)n["accepted"]!, n.ToJsonString()));
        Assert.Equal(total, (int)JsonNode.Parse(step.OutputsJson!)!["count"]!);
    }
}
