namespace T1.Storage.Database;

/// <summary>Which metadata database to use (configuration section <c>T1:Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>; inferred from the connection string when empty.</summary>
    public string Provider { get; set; } = "";

    /// <summary>
    /// SQLite: <c>Data Source=.t1/t1.db</c> (the default). PostgreSQL:
    /// <c>Host=…;Port=5432;Database=t1;Username=…;Password=…</c>.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// PostgreSQL: how long a database call keeps retrying a transient error (server down or
    /// restarting, connection lost) before it fails; long enough for a restart or a short outage.
    /// </summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// PostgreSQL: the longest wait between two retries (waits double from 1 s up to this). Keep it
    /// well under <c>T1:Engine:StaleAfter</c>: after an outage a running attempt must heartbeat again in time.
    /// </summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsPostgres => ResolvedProvider == "postgres";

    public string ResolvedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "postgres" or "postgresql" or "npgsql" => "postgres",
        "sqlite" => "sqlite",
        "" => LooksLikePostgres(ConnectionString) ? "postgres" : "sqlite",
        var other => throw new DatabaseConfigurationException(
            $"unknown database provider '{other}' in T1:Database:Provider; use 'sqlite' or 'postgres'."),
    };

    private static bool LooksLikePostgres(string cs) =>
        cs.Contains("Host=", StringComparison.OrdinalIgnoreCase) || cs.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
}

public sealed class DatabaseConfigurationException(string message) : Exception(message);
