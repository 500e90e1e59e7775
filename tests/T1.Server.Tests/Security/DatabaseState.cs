using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Server.Tests.Security;

/// <summary>What a refused request must not change: definitions, runs (and their status), API keys, users (and their state).</summary>
public sealed record DatabaseState(string Definitions, string Runs, string Keys, string Users)
{
    public static async Task<DatabaseState> ReadAsync(DatabaseFactory database)
    {
        await using var db = database.Create();
        var definitions = await db.Definitions.OrderBy(d => d.Id).Select(d => $"{d.Name} v{d.Version}").ToListAsync();
        var runs = await db.Runs.OrderBy(r => r.Id).Select(r => $"{r.Id} {r.Status}").ToListAsync();
        var keys = await db.ApiKeys.OrderBy(k => k.Id).Select(k => $"{k.Id} {k.Name} {k.Role} {k.RevokedAt}").ToListAsync();
        var users = await db.Users.OrderBy(u => u.Id).Select(u => $"{u.Name} {u.Role} {u.DisabledAt} {u.SecurityStamp}").ToListAsync();
        return new DatabaseState(string.Join("; ", definitions), string.Join("; ", runs), string.Join("; ", keys), string.Join("; ", users));
    }
}
