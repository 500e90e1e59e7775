using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace T1.Storage.Database;

/// <summary>
/// Creates <see cref="T1DbContext"/>s for the configured provider and migrates the schema.
/// Thread-safe; one instance per process.
/// </summary>
public sealed class DatabaseFactory
{
    private readonly DbContextOptions _options;
    private readonly bool _postgres;
    private readonly DatabaseReach? _reach;

    public DatabaseFactory(DatabaseOptions options, string dataDirectory = ".t1")
    {
        _postgres = options.IsPostgres;
        var cs = options.ConnectionString;
        if (_postgres)
        {
            var csb = new NpgsqlConnectionStringBuilder(cs);
            Description = $"PostgreSQL {csb.Host}:{csb.Port}/{csb.Database}";
            var reach = _reach = new DatabaseReach(Description);
            _options = new DbContextOptionsBuilder<PostgresT1DbContext>()
                .UseNpgsql(cs, o => o.MigrationsHistoryTable("__ef_migrations")
                    .ExecutionStrategy(deps => new PostgresRetryStrategy(deps, options, reach)))
                .Options;
        }
        else
        {
            if (string.IsNullOrWhiteSpace(cs))
            {
                Directory.CreateDirectory(dataDirectory);
                cs = $"Data Source={Path.Combine(dataDirectory, "t1.db")}";
            }
            var csb = new SqliteConnectionStringBuilder(cs) { DefaultTimeout = 30, Pooling = true };
            var dir = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
            if (dir is not null) Directory.CreateDirectory(dir);
            Description = $"SQLite {csb.DataSource}";
            _options = new DbContextOptionsBuilder<SqliteT1DbContext>()
                .UseSqlite(csb.ToString(), o => o.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(new SqliteWalInterceptor())
                .Options;
        }
    }

    public bool IsPostgres => _postgres;

    /// <summary>
    /// PostgreSQL: how long ago a call of this process last succeeded only after riding out an outage
    /// (null when none has; SQLite: always null). Silence from other processes during that outage proves nothing.
    /// </summary>
    public TimeSpan? SinceOutage => _reach?.SinceRecovery;

    /// <summary>For messages: which database this is.</summary>
    public string Description { get; }

    public T1DbContext Create() => _postgres
        ? new PostgresT1DbContext((DbContextOptions<PostgresT1DbContext>)_options)
        : new SqliteT1DbContext((DbContextOptions<SqliteT1DbContext>)_options);

    /// <summary>Applies pending migrations (safe to call from several processes at once on PostgreSQL: it takes an advisory lock).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Create();
        if (_postgres)
        {
            // Several processes (server, workers) start at once: serialise migrations.
            await using var conn = new NpgsqlConnection(db.Database.GetConnectionString());
            await conn.OpenAsync(cancellationToken);
            await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(7310001)", conn))
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            try { await db.Database.MigrateAsync(cancellationToken); }
            finally
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7310001)", conn);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
    }
}
