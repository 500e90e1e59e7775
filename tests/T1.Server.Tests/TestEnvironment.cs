using Npgsql;

namespace T1.Server.Tests;

/// <summary>Servers the test command (scripts/test.sh) starts, and the repository layout.</summary>
public static class TestEnvironment
{
    /// <summary>Superuser connection string of the throwaway PostgreSQL; fails the test when absent.</summary>
    public static string PostgresAdmin => Environment.GetEnvironmentVariable("T1_TEST_POSTGRES") is { Length: > 0 } cs ? cs
        : throw new InvalidOperationException("T1_TEST_POSTGRES is not set: run the tests through scripts/test.sh (or `eval \"$(scripts/test.sh --env-only)\"` first).");

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(PostgresAdmin);
        var name = "t1_" + Guid.NewGuid().ToString("N")[..12];
        // Not pooled: the outage tests stop the server, which breaks pooled connections.
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        admin.Database = name;
        admin.Pooling = true;
        admin.MaxPoolSize = 40;
        return admin.ConnectionString;
    }

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln"))) return dir.FullName;
            throw new InvalidOperationException("cannot find the repository root (T1.Platform.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The built `t1` CLI (src/T1.Cli output of the same configuration as this test assembly).</summary>
    public static string CliDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var path = Path.Combine(RepoRoot, "src", "T1.Cli", "bin", config, "net10.0", "t1.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing; build src/T1.Cli first");
        }
    }
}
