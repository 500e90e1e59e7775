using System.Diagnostics;

namespace T1.Cli.Tests;

/// <summary>Runs the built `t1` in a temporary working folder and captures what it prints.</summary>
public sealed class Cli : IDisposable
{
    public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "t1-cli-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(8);

    public Cli() => Directory.CreateDirectory(WorkDir);

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln"))) return dir.FullName;
            throw new InvalidOperationException("no T1.Platform.sln above " + AppContext.BaseDirectory);
        }
    }

    internal static string Dll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            return Path.Combine(RepoRoot, "src", "T1.Cli", "bin", config, "net10.0", "t1.dll");
        }
    }

    public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = WorkDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("T1__Database__ConnectionString");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // a hang guard, not a speed limit: `t1 resume` of a training step took 3.5 min on this 2-core machine under load
        using var cts = new CancellationTokenSource(CommandTimeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            throw new TimeoutException($"`t1 {string.Join(' ', args)}` did not exit within {CommandTimeout.TotalMinutes} min; it printed:\n{await stdout}\n{await stderr}");
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    public string Write(string name, string text)
    {
        var path = Path.Combine(WorkDir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(WorkDir, true); } catch (IOException) { }
    }
}
