using System.Diagnostics;
using System.Text;

namespace T1.Cli.Tests;

/// <summary>
/// A `t1` command left running in the background, for sending it Ctrl+C or SIGKILL. It starts
/// with SIGINT at its default disposition: a child of a non-interactive shell's background job
/// inherits SIGINT ignored, and Ctrl+C would never arrive (DESIGN.md).
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static CliProcess Start(string workDir, params string[] args) => Start(workDir, new Dictionary<string, string>(), args);

    /// <summary><see cref="Start(string, string[])"/> with <paramref name="environment"/> added to the process's.</summary>
    public static CliProcess Start(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("perl") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", "--", "dotnet", Cli.Dll }.Concat(args))
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("T1__Database__ConnectionString");
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        var p = new CliProcess(Process.Start(psi)!);
        p._process.StandardInput.Close();
        p._process.OutputDataReceived += (_, e) => p.Append(e.Data);
        p._process.ErrorDataReceived += (_, e) => p.Append(e.Data);
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        return p;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>The run id from the first line (`run ID · …`), once printed.</summary>
    public async Task<string> RunIdAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var line = Output.Split('\n').FirstOrDefault(l => l.StartsWith("run ", StringComparison.Ordinal));
            if (line is not null) return line.Split(' ')[1];
            if (_process.HasExited) break;
            await Task.Delay(100);
        }
        throw new TimeoutException("t1 printed no run id:\n" + Output);
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"t1 did not exit within {timeout}:\n" + Output); }
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

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
