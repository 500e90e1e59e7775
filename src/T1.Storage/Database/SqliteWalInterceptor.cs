using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace T1.Storage.Database;

/// <summary>Puts each SQLite connection in WAL mode with a busy timeout, so a reader never blocks the worker writing.</summary>
internal sealed class SqliteWalInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Pragmas(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Pragmas(connection);
        return Task.CompletedTask;
    }

    private static void Pragmas(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;";
        cmd.ExecuteNonQuery();
    }
}
