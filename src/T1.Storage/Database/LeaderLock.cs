using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace T1.Storage.Database;

/// <summary>
/// Leader election through the database: on PostgreSQL a session advisory lock held on a
/// connection of its own (released by the server when this process dies or loses the
/// connection); SQLite is one machine's file and needs no election (always the leader).
/// </summary>
public sealed class LeaderLock(DatabaseFactory database, long key) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    /// <summary>True while this process holds the lock; tries to take it when it does not.</summary>
    public async Task<bool> HoldAsync(CancellationToken ct = default)
    {
        if (!database.IsPostgres) return true;
        try
        {
            if (_connection is { State: System.Data.ConnectionState.Open })
            {
                await using var ping = new NpgsqlCommand("SELECT 1", _connection);
                await ping.ExecuteScalarAsync(ct);
                return true;
            }
            await DropAsync();
            await using (var db = database.Create())
                _connection = new NpgsqlConnection(db.Database.GetConnectionString());
            await _connection.OpenAsync(ct);
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", _connection);
            take.Parameters.AddWithValue("key", key);
            if (await take.ExecuteScalarAsync(ct) is true) return true;
            await DropAsync();
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await DropAsync();
            return false;
        }
    }

    private async Task DropAsync()
    {
        if (_connection is null) return;
        await _connection.DisposeAsync();
        _connection = null;
    }

    public ValueTask DisposeAsync() => new(DropAsync());
}
