using System.Text.Json;
using Npgsql;

namespace T1.Bench.Handoff;

/// <summary>When Hangfire enqueued each job and when a worker marked it Processing, from its PostgreSQL tables.</summary>
public static class HangfireTimes
{
    /// <summary>Keyed by the job's arguments, each deserialised to its string form and joined with '/'.</summary>
    public static async Task<Dictionary<string, (DateTime? Enqueued, DateTime? Processing)>> ReadAsync(
        string connectionString, string schema, CancellationToken ct)
    {
        var result = new Dictionary<string, (DateTime? Enqueued, DateTime? Processing)>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT j.arguments::text, s.name, s.createdat
            FROM "{schema}".job j JOIN "{schema}".state s ON s.jobid = j.id
            WHERE s.name IN ('Enqueued', 'Processing')
            ORDER BY s.id
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = Key(reader.GetString(0));
            var at = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
            result.TryGetValue(key, out var t);
            result[key] = reader.GetString(1) == "Enqueued" ? (at, t.Processing) : (t.Enqueued, at);
        }
        return result;
    }

    public static string Key(params string?[] args) => string.Join('/', args.Select(a => a ?? ""));

    private static string Key(string argumentsJson)
    {
        var outer = JsonSerializer.Deserialize<string?[]>(argumentsJson) ?? [];
        return Key(outer.Select(a => a is null ? null : JsonSerializer.Deserialize<JsonElement>(a).ToString()).ToArray());
    }
}
