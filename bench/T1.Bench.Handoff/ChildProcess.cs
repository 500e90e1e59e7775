using System.Diagnostics;

namespace T1.Bench.Handoff;

/// <summary>A worker process started by the benchmark: output goes to a log file; ready when a marker line appears.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _marker;

    public string Name { get; }
    public string LogPath { get; }

    private ChildProcess(string name, string fileName, IEnumerable<string> args, string marker, string logPath, string workingDirectory)
    {
        Name = name;
        LogPath = logPath;
        _marker = marker;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_gcServer"] = "0";
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready; see {LogPath}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string marker, string logDirectory, string workingDirectory) =>
        new(name, fileName, args, marker, Path.Combine(logDirectory, name + ".log"), workingDirectory);

    public int Pid => _process.Id;

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
        if (line.Contains(_marker, StringComparison.Ordinal)) _ready.TrySetResult();
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_ready.Task, Task.Delay(timeout));
        if (done != _ready.Task) throw new TimeoutException($"{Name} did not print '{_marker}' within {timeout.TotalSeconds:F0} s; see {LogPath}");
        await _ready.Task;
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); } }
        catch (InvalidOperationException) { }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
