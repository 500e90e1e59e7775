using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Ml.Tests.Synthesis.Teacher;
using T1.Storage.Database;

namespace T1.Cli.Tests.Commands;

/// <summary>
/// Teacher synthesis killed mid-way with the real `t1` process (kill -9), then `t1 resume`: the finished teacher
/// responses are kept, the resumed step asks the teacher only for the rest, and the result holds every
/// (problem, sample) exactly once.
/// </summary>
public sealed class TeacherSynthesisInterruptTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    private const int Problems = 30;
    private const int Samples = 2;

    private DatabaseFactory Database => new(new DatabaseOptions(), Path.Combine(_cli.WorkDir, ".t1"));

    /// <summary>Answers "what is i + 100?" right, 100 ms after the request: slow enough to be killed mid-way.</summary>
    private static RecordedTeacher.Reply Answer(RecordedTeacher.Request request)
    {
        var i = int.Parse(RecordedTeacher.Problem(request).Split(' ', ':')[1], CultureInfo.InvariantCulture);
        return new(200, RecordedTeacher.Completion($"<think>\nTry: {i}+100={i + 100}.\nCheck: {i + 100}-100={i}, correct.\n</think>\nFinal answer: \\boxed{{{i + 100}}}"), TimeSpan.FromMilliseconds(100));
    }

    private string Workflow(string url)
    {
        var problems = string.Join("\n", Enumerable.Range(0, Problems).Select(i =>
            new JsonObject { ["problem"] = $"Problem {i}: what is {i} + 100?", ["answer"] = (i + 100).ToString(CultureInfo.InvariantCulture) }.ToJsonString()));
        var source = _cli.Write("train.jsonl", problems + "\n");
        return _cli.Write("teacher.yaml", $$"""
            name: teacher-chaos
            steps:
              - id: teacher
                uses: synthesize
                with:
                  task: jsonl
                  count: {{Problems}}
                  source: {{source}}
                  teacher_url: {{url}}
                  teacher_model: stand-in
                  traces_per_problem: {{Samples}}
                  teacher_concurrency: 2
                  teacher_retries: 1
            """);
    }

    private async Task<int> WaitForWorkLinesAsync(string runId, int lines, CliProcess t1)
    {
        var path = Path.Combine(_cli.WorkDir, ".t1", "work", runId, "teacher", "teacher-work.jsonl");
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until)
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var n = new StreamReader(stream).ReadToEnd().Count(c => c == '\n');
                if (n >= lines) return n;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the teacher step wrote no work file:\n" + t1.Output);
    }

    [Fact]
    public async Task KilledMidSynthesis_ResumeAsksOnlyForTheRest_AndEveryTraceIsThereOnce()
    {
        await using var teacher = new RecordedTeacher((r, _) => Answer(r));
        var file = Workflow(teacher.BaseUrl);
        await using var t1 = CliProcess.Start(_cli.WorkDir, "run", file);
        var runId = await t1.RunIdAsync(TimeSpan.FromMinutes(1));
        await WaitForWorkLinesAsync(runId, 10, t1);
        t1.Signal("KILL");
        Assert.Equal(137, await t1.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var askedBeforeKill = teacher.Requests.Count;
        Assert.True(askedBeforeKill < Problems * Samples, $"the teacher had answered everything ({askedBeforeKill}) before the kill");

        var (_, show, _) = await _cli.RunAsync("show", runId);
        Assert.Contains("interrupted: the process that ran it", show);
        var (exit, output, err) = await _cli.RunAsync("resume", runId);
        Assert.True(exit == 0, show + output + err);

        await using var db = Database.Create();
        var stepRun = await db.StepRuns.Where(s => s.RunId == runId && s.StepId == "teacher").Select(s => s.Id).SingleAsync();
        var logs = await db.StepLogs.Where(l => l.StepRunId == stepRun).Select(l => l.Message).ToListAsync();
        var resumed = Assert.Single(logs, l => l.StartsWith("resuming: ", StringComparison.Ordinal));
        var kept = int.Parse(resumed.Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(kept, 10, askedBeforeKill);
        // Only requests in flight at the kill (at most teacher_concurrency) are asked twice.
        Assert.InRange(teacher.Requests.Count, Problems * Samples, Problems * Samples + 2);

        var artifacts = await db.Artifacts.Where(a => a.RunId == runId && a.StepId == "teacher").ToDictionaryAsync(a => a.Name, a => a.Sha256);
        string Blob(string name) => Path.Combine(_cli.WorkDir, ".t1", "artifacts", "sha256", artifacts[name][..2], artifacts[name]); // the file system store's layout
        var responses = File.ReadAllLines(Blob("responses")).Select(l => JsonNode.Parse(l)!).ToList();
        var keys = responses.Select(n => ((int)n["problem"]!, (int)n["sample"]!)).ToList();
        Assert.Equal(Problems * Samples, keys.Count);
        Assert.Equal(keys.Distinct().Order(), keys);
        Assert.All(responses, n => Assert.True((bool)n["accepted"]!, n.ToJsonString()));
        var dataset = File.ReadAllLines(Blob("dataset")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Problems * Samples, dataset.Count);
        Assert.Equal(Enumerable.Range(0, Problems).SelectMany(i => Enumerable.Repeat($"Problem {i}: what is {i} + 100?", Samples)), dataset.Select(d => (string)d["prompt"]!));
    }
}
