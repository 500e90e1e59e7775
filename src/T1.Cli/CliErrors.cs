using Npgsql;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Definitions;

namespace T1.Cli;

/// <summary>
/// Turns errors a user can cause into one line saying what and what to do, with exit code 2.
/// Stack traces only with T1_DEBUG=1.
/// </summary>
internal static class CliErrors
{
    /// <summary>Interrupted: 128 + SIGINT, as shells report a Ctrl+C'd command.</summary>
    public const int Ok = 0, RunFailed = 1, BadInput = 2, Interrupted = 130;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            Console.Error.WriteLine($"error: {message}");
            if (Environment.GetEnvironmentVariable("T1_DEBUG") == "1") Console.Error.WriteLine(e);
            return BadInput;
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        CliException c => c.Message,
        WorkflowParamException p => p.Message,
        DatabaseConfigurationException or DatabaseUnavailableException or ArtifactStoreUnavailableException
            or T1.Ml.Compute.ComputeConfigurationException => e.Message,
        NpgsqlException n when n.InnerException is System.Net.Sockets.SocketException s =>
            $"cannot reach PostgreSQL ({s.Message}); check --database / T1__Database__ConnectionString and that the server is running.",
        NpgsqlException n => $"PostgreSQL: {n.Message}; check --database / T1__Database__ConnectionString.",
        ArtifactNotFoundException or ArtifactCorruptedException => e.Message,
        InvalidOperationException when e.InnerException is NpgsqlException n => Describe(n),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        _ when Environment.GetEnvironmentVariable("T1_DEBUG") == "1" => null,
        _ => $"{e.GetType().Name}: {e.Message} (run with T1_DEBUG=1 for details; please report this)",
    };
}

/// <summary>A user-facing error with its message ready to print.</summary>
internal sealed class CliException(string message) : Exception(message);
