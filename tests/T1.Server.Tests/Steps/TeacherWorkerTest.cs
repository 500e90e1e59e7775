using System.Globalization;
using T1.Ml.Tests.Synthesis.Teacher;
using T1.Server.Tests.Platform;

namespace T1.Server.Tests.Steps;

/// <summary>
/// Teacher synthesis on real `t1 worker` processes sharing a PostgreSQL database and an S3 store with a platform host
/// that runs no steps itself; a <see cref="RecordedTeacher"/> answers problem "Compute i + 100." with i + 100.
/// </summary>
public abstract class TeacherWorkerTest : TeacherSynthesisTest, IAsyncLifetime
{
    private readonly List<WorkerProcess> _workers = [];
    private string _db = "";

    /// <summary>The platform host: starts and resumes runs, runs no steps.</summary>
    protected PlatformHarness Client { get; private set; } = null!;

    /// <summary>A data folder on "another host": same folder name as <see cref="Client"/>'s (so the same bucket), another disk.</summary>
    protected string OtherHostDirectory { get; } = Path.Combine(Path.GetTempPath(), "t1-host-b-" + Guid.NewGuid().ToString("N")[..8]);

    protected override T Get<T>() => Client.Get<T>();

    public async Task InitializeAsync()
    {
        _db = await TestEnvironment.CreatePostgresDatabaseAsync();
        Client = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: _db, s3: true);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        await Client.DisposeAsync();
        if (Directory.Exists(OtherHostDirectory)) Directory.Delete(OtherHostDirectory, recursive: true);
    }

    /// <summary>Starts a `t1 worker` on <paramref name="dataDirectory"/> (the platform host's own by default); stopped at dispose.</summary>
    protected async Task<WorkerProcess> StartWorkerAsync(string name, string? dataDirectory = null)
    {
        // 10 s, not the harness's 3 s: under CI's load a live rescuer once went 3 s without a heartbeat, was taken for
        // dead and ran its step a third time (the RL chaos workers use 15 s for the same reason).
        var worker = await WorkerProcess.StartAsync(name, "gpu,cpu", _db, dataDirectory ?? Client.Directory, staleAfter: TimeSpan.FromSeconds(10));
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Stops <paramref name="worker"/> now (it leaves the dispose list).</summary>
    protected async Task StopWorkerAsync(WorkerProcess worker)
    {
        _workers.Remove(worker);
        await worker.DisposeAsync();
    }

    /// <summary>Writes <paramref name="problems"/> problems "Compute i + 100." (answer i + 100) to a JSONL file; returns its path.</summary>
    protected async Task<string> WriteProblemsAsync(int problems)
    {
        var source = Path.Combine(Client.Directory, "problems.jsonl");
        await File.WriteAllLinesAsync(source, Enumerable.Range(0, problems).Select(i => $$"""{"problem": "Compute {{i}} + 100.", "answer": "{{i + 100}}"}"""));
        return source;
    }

    /// <summary>The teacher's right answer to a request for "Compute i + 100.".</summary>
    protected static RecordedTeacher.Reply Correct(RecordedTeacher.Request request)
    {
        var i = int.Parse(RecordedTeacher.Problem(request).Split(' ')[1], CultureInfo.InvariantCulture);
        return new(200, RecordedTeacher.Completion($"<think>\n{i}+100={i + 100}.\n</think>\nFinal answer: \\boxed{{{i + 100}}}"));
    }

    /// <summary>The (seed, problem) of each request: what identifies one asked response.</summary>
    protected static (string? Seed, string Problem) Asked(RecordedTeacher.Request r) => (r.Body["seed"]?.ToString(), RecordedTeacher.Problem(r));
}
