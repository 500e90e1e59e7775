using System.Diagnostics;

namespace T1.Storage.Tests;

/// <summary>
/// Stops and starts the test servers of scripts/test.sh (T1_TEST_PG_CTL, T1_TEST_S3_CTL) for the
/// outage tests. They run in the <see cref="OutageCollection"/>, alone: every other test shares those servers.
/// </summary>
internal static class Outage
{
    public const string Postgres = "T1_TEST_PG_CTL", S3 = "T1_TEST_S3_CTL";

    public static Task StopAsync(string server) => ControlAsync(server, "stop");
    public static Task StartAsync(string server) => ControlAsync(server, "start");

    private static async Task ControlAsync(string server, string verb)
    {
        var script = Environment.GetEnvironmentVariable(server) is { Length: > 0 } s ? s
            : throw new InvalidOperationException($"{server} is not set: run the tests through scripts/test.sh (or `eval \"$(scripts/test.sh --env-only)\"` first).");
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(verb);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bash {script} {verb} exited {p.ExitCode}: {await err}");
    }
}

/// <summary>Tests that stop a shared test server: run after the others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutageCollection
{
    public const string Name = "outages";
}
