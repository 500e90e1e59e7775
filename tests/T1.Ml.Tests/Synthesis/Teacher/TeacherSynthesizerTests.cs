using System.Text.Json.Nodes;
using T1.Ml.Synthesis;
using T1.Ml.Synthesis.Teacher;
using T1.Ml.Tasks;

namespace T1.Ml.Tests.Synthesis.Teacher;

/// <summary>
/// Rejection sampling over a problem list with a local teacher: the dataset holds the accepted traces in problem
/// order whatever the concurrency; a cancelled run keeps what finished and a resumed one asks only for the rest.
/// </summary>
public sealed class TeacherSynthesizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("t1-teacher-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Problem i asks for i + 100; the teacher gets sample 0 of every third problem wrong.</summary>
    private static readonly IReadOnlyList<Problem> Problems = Enumerable.Range(0, 12)
        .Select(i => new Problem($"p{i}", TaskRegistry.Jsonl, $"Problem {i}: what is {i} + 100?", (i + 100).ToString(System.Globalization.CultureInfo.InvariantCulture), 0, new Dictionary<string, string>()))
        .ToList();

    private static RecordedTeacher.Reply Answer(RecordedTeacher.Request request, TimeSpan delay)
    {
        var i = int.Parse(RecordedTeacher.Problem(request).Split(' ', ':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var seed = (int)request.Body["seed"]!;
        var wrong = i % 3 == 0 && request.Body["seed"] is not null && seed % 2 == 0;
        var answer = wrong ? i + 99 : i + 100;
        return new(200, RecordedTeacher.Completion($"<think>\nTry: {i}+100={answer}.\nCheck: {answer}-100={answer - 100}.\n</think>\nFinal answer: \\boxed{{{answer}}}"), delay);
    }

    private static TeacherOptions Options(string url, int concurrency) => new()
    {
        BaseUrl = url, Model = "teacher", TracesPerProblem = 2, Concurrency = concurrency, Seed = 5, RetryDelay = TimeSpan.FromMilliseconds(10),
        PricePromptPerMillion = 1, PriceCompletionPerMillion = 4,
    };

    private async Task<(IReadOnlyList<SynthesizedTrace> Dataset, IReadOnlyList<TeacherTraceRecord> Records)> RunAsync(string url, int concurrency, string name)
    {
        var options = Options(url, concurrency);
        using var client = new TeacherClient(options, null);
        using var work = new TeacherWorkFile(Path.Combine(_dir, name));
        await new TeacherSynthesizer(options, client).RunAsync(Problems, work, CancellationToken.None);
        return (TeacherSynthesizer.Dataset(Problems, work.Records), work.Records);
    }

    [Fact]
    public async Task Dataset_IsTheAcceptedTracesInProblemOrder_TheSameAtAnyConcurrency()
    {
        // Later requests answer sooner, so with concurrency the answers arrive out of order.
        await using var teacher = new RecordedTeacher((r, n) => Answer(r, TimeSpan.FromMilliseconds(Math.Max(0, 60 - 5 * n))));
        var serial = await RunAsync(teacher.BaseUrl, 1, "serial.jsonl");
        var parallel = await RunAsync(teacher.BaseUrl, 8, "parallel.jsonl");

        Assert.Equal(24, serial.Records.Count);
        Assert.Equal(serial.Dataset, parallel.Dataset);
        Assert.Equal(serial.Records, parallel.Records);
        Assert.All(serial.Dataset, t => Assert.True(ResponseGrader.Grade(Problems.Single(p => p.Prompt == t.Prompt), t.Response).IsCorrect));
        var rejected = serial.Records.Where(r => !r.Accepted).ToList();
        Assert.NotEmpty(rejected);
        Assert.All(rejected, r => Assert.Equal(0, r.Problem % 3));
        Assert.Equal(serial.Records.Where(r => r.Accepted).Select(r => Problems[r.Problem].Prompt), serial.Dataset.Select(t => t.Prompt));
        Assert.All(serial.Records, r => Assert.Equal((50 * 1 + 120 * 4) / 1e6, r.Cost, 12));
        var summary = TeacherSummary.Of(Problems.Count, serial.Records);
        Assert.Equal((double)(24 - rejected.Count) / 24, summary.AcceptanceRate, 12);
    }

    [Fact]
    public async Task Seeds_DependOnSeedProblemAndSample_NotOnOrder()
    {
        await using var teacher = new RecordedTeacher((r, _) => Answer(r, TimeSpan.Zero));
        await RunAsync(teacher.BaseUrl, 4, "a.jsonl");
        var options = Options(teacher.BaseUrl, 1);
        using var client = new TeacherClient(options, null);
        var synthesizer = new TeacherSynthesizer(options, client);
        var sent = teacher.Requests.Select(r => (Problem: RecordedTeacher.Problem(r), Seed: (int)r.Body["seed"]!)).ToHashSet();
        var expected = Problems.SelectMany(p => new[] { (p.Prompt, synthesizer.SeedOf(p.Id, 0)), (p.Prompt, synthesizer.SeedOf(p.Id, 1)) }).ToHashSet();
        Assert.Equal(expected, sent);
        Assert.Equal(24, expected.Select(e => e.Item2).Distinct().Count());
    }

    [Fact]
    public async Task CancelledMidway_KeepsFinishedResponses_AndTheResumeAsksOnlyForTheRest()
    {
        using var cancel = new CancellationTokenSource();
        await using var teacher = new RecordedTeacher((r, n) =>
        {
            if (n == 9) cancel.Cancel();
            return Answer(r, TimeSpan.FromMilliseconds(20));
        });
        var options = Options(teacher.BaseUrl, 3);
        var path = Path.Combine(_dir, "work.jsonl");
        using (var client = new TeacherClient(options, null))
        using (var work = new TeacherWorkFile(path))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new TeacherSynthesizer(options, client).RunAsync(Problems, work, cancel.Token));
        }
        var firstRun = teacher.Requests.Count;
        var kept = TeacherWorkFile.Read(path, out _).ToList();
        Assert.InRange(kept.Count, 1, 23);
        File.AppendAllText(path, "{\"problem\":11,\"sample\":1,\"problem_id\":\"p1"); // a line torn by a crash

        using (var client = new TeacherClient(options, null))
        using (var work = new TeacherWorkFile(path))
        {
            Assert.Equal(kept.Count, work.Recovered);
            await new TeacherSynthesizer(options, client).RunAsync(Problems, work, CancellationToken.None);
            Assert.Equal(24, work.Records.Count);
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(24, lines.Length);
        var keys = lines.Select(l => JsonNode.Parse(l)!).Select(n => ((int)n["problem"]!, (int)n["sample"]!)).ToList();
        Assert.Equal(24, keys.Distinct().Count());
        var resumedAsked = teacher.Requests.Skip(firstRun).Select(r => (RecordedTeacher.Problem(r), (int)r.Body["seed"]!)).ToList();
        Assert.Equal(24 - kept.Count, resumedAsked.Count);
        var keptSeeds = kept.Select(k => (Problems[k.Problem].Prompt, new TeacherSynthesizer(options, null!).SeedOf(k.ProblemId, k.Sample))).ToHashSet();
        Assert.DoesNotContain(resumedAsked, keptSeeds.Contains);

        var (reference, _) = await RunAsync(teacher.BaseUrl, 1, "reference.jsonl");
        using var resumed = new TeacherWorkFile(path);
        Assert.Equal(reference, TeacherSynthesizer.Dataset(Problems, resumed.Records));
    }
}
