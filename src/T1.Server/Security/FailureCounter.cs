using System.Collections.Concurrent;

namespace T1.Server.Security;

/// <summary>
/// Failures per client address in fixed one-minute windows (this process only): once an address reaches the
/// limit, it is blocked until its window ends. Used for requests with unknown or revoked API keys.
/// </summary>
public sealed class FailureCounter(int perMinute, TimeProvider? time = null)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    /// <summary>When the address may try again, or null when it is not blocked.</summary>
    public DateTimeOffset? BlockedUntil(string client)
    {
        if (perMinute <= 0 || !_entries.TryGetValue(client, out var e)) return null;
        var end = e.Start + Window;
        return e.Count >= perMinute && end > _time.GetUtcNow() ? end : null;
    }

    public void Add(string client)
    {
        if (perMinute <= 0) return;
        var now = _time.GetUtcNow();
        if (_entries.Count > 10_000) Prune(now);
        _entries.AddOrUpdate(client, _ => new Entry(now, 1), (_, e) => e.Start + Window <= now ? new Entry(now, 1) : e with { Count = e.Count + 1 });
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in _entries)
            if (e.Start + Window <= now) _entries.TryRemove(key, out _);
    }

    private sealed record Entry(DateTimeOffset Start, int Count);
}
