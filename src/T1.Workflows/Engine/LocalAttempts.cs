using System.Collections.Concurrent;

namespace T1.Workflows.Engine;

/// <summary>
/// The step attempts running in this process, so that cancel and interrupt reach them at once
/// (other processes' attempts notice at their next heartbeat) and so that a process can wait for
/// them to stop before it tears down: native work (libtorch) must not outlive the host.
/// </summary>
public sealed class LocalAttempts
{
    private readonly ConcurrentDictionary<long, (string RunId, Action<AttemptStop> Stop)> _running = new();
    private long _next;

    public IDisposable Register(string runId, Action<AttemptStop> stop)
    {
        var id = Interlocked.Increment(ref _next);
        _running[id] = (runId, stop);
        return new Registration(this, id);
    }

    /// <summary>Tells every attempt of the run in this process to stop; returns how many there were.</summary>
    public int Stop(string runId, AttemptStop reason)
    {
        var n = 0;
        foreach (var (_, a) in _running)
        {
            if (a.RunId != runId) continue;
            a.Stop(reason);
            n++;
        }
        return n;
    }

    /// <summary>Attempts of the run still running in this process.</summary>
    public int Count(string runId) => _running.Values.Count(a => a.RunId == runId);

    private sealed class Registration(LocalAttempts owner, long id) : IDisposable
    {
        public void Dispose() => owner._running.TryRemove(id, out _);
    }
}
