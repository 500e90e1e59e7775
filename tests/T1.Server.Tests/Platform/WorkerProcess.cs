using System.Diagnostics;
using System.Text;

namespace T1.Server.Tests.Platform;

/// <summary>A real `t1 worker` process (the built CLI), for cross-process tests.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    public string Name { get; private init; } = "";
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <param name="staleAfter">How long an attempt may go without a heartbeat before this worker's reconciler takes it for dead (3 s by default).</param>
    public static async Task<WorkerProcess> StartAsync(string name, string queues, string connectionString, string dataDirectory, bool s3 = true, TimeSpan? staleAfter = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { TestEnvironment.CliDll, "worker", "--queues", queues, "--count", "2", "--database", connectionString, "--data-dir", dataDirectory })
            psi.ArgumentList.Add(a);
        psi.Environment["T1__Worker__Name"] = name;
        psi.Environment["T1__Engine__HeartbeatInterval"] = "00:00:00.200";
        psi.Environment["T1__Engine__StaleAfter"] = (staleAfter ?? TimeSpan.FromSeconds(3)).ToString("c");
        psi.Environment["T1__Engine__RecoveryInterval"] = "00:00:00.500";
        psi.Environment["T1__Database__RetryMaxDelay"] = "00:00:01"; // well under StaleAfter, as the README asks
        psi.Environment["T1__Artifacts__S3__RetryMaxDelay"] = "00:00:01";
        if (s3)
            foreach (var (k, v) in S3Settings("t1-" + Path.GetFileName(dataDirectory)))
                psi.Environment["T1__" + k.Replace(":", "__")] = v;
        var p = new WorkerProcess(Process.Start(psi)!) { Name = name };
        p._process.OutputDataReceived += (_, e) => p.OnLine(e.Data);
        p._process.ErrorDataReceived += (_, e) => p.OnLine(e.Data);
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        var done = await Task.WhenAny(p._ready.Task, Task.Delay(TimeSpan.FromSeconds(180)), p._process.WaitForExitAsync());
        if (done != p._ready.Task) throw new InvalidOperationException($"worker {name} did not start:\n{p.Output}");
        return p;
    }

    /// <summary>The artifact settings (relative to section T1) pointing at the test S3 server.</summary>
    public static IEnumerable<(string Key, string Value)> S3Settings(string bucket)
    {
        var endpoint = Environment.GetEnvironmentVariable("T1_TEST_S3_ENDPOINT") is { Length: > 0 } e ? e
            : throw new InvalidOperationException("T1_TEST_S3_ENDPOINT is not set: run the tests through scripts/test.sh.");
        yield return ("Artifacts:Provider", "s3");
        yield return ("Artifacts:S3:Endpoint", endpoint);
        yield return ("Artifacts:S3:AccessKey", Environment.GetEnvironmentVariable("T1_TEST_S3_ACCESS_KEY") ?? "S3RVER");
        yield return ("Artifacts:S3:SecretKey", Environment.GetEnvironmentVariable("T1_TEST_S3_SECRET_KEY") ?? "S3RVER");
        yield return ("Artifacts:S3:Bucket", bucket);
        yield return ("Artifacts:S3:UseSsl", "false");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains("serving queues", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>SIGKILL: no shutdown, no cleanup, as when a machine dies.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits until the process has exited (after <see cref="KillHard"/>: until it can write nothing more).</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
