using Microsoft.EntityFrameworkCore;

namespace T1.Storage.Database;

/// <summary>
/// The database's clock, for heartbeats and staleness: every process compares times from the
/// one clock, so a worker whose own clock is off neither looks dead nor keeps a dead attempt alive.
/// SQLite is a file on this machine, so its clock is this machine's.
/// </summary>
public static class DbClock
{
    public static async Task<DateTime> NowAsync(T1DbContext db, CancellationToken ct = default)
    {
        if (db is not PostgresT1DbContext) return DateTime.UtcNow;
        var seconds = await db.Database
            .SqlQueryRaw<double>("""SELECT CAST(extract(epoch FROM clock_timestamp()) AS double precision) AS "Value" """)
            .SingleAsync(ct);
        return DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }
}
