using System.Runtime.InteropServices;

namespace T1.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for a command that runs steps in its own process: the first
/// signal calls the handler (interrupt the run at a safe point) and the process keeps running
/// until the step has stopped and its state is recorded; later signals only say so. The process
/// is never torn down under a running step (native libtorch code).
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Lock _lock = new();
    private Func<string, Task>? _handler;
    private string? _pending;
    private int _count;

    public InterruptSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, On), PosixSignalRegistration.Create(PosixSignal.SIGTERM, On)];
    }

    /// <summary>Sets what the first signal does (at once if a signal already came).</summary>
    public void OnFirst(Func<string, Task> handler)
    {
        string? pending;
        lock (_lock)
        {
            _handler = handler;
            pending = _pending;
        }
        if (pending is not null) _ = Run(handler, pending);
    }

    private void On(PosixSignalContext context)
    {
        context.Cancel = true; // we stop when the step has stopped, not now
        var name = context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : context.Signal.ToString();
        Func<string, Task>? handler;
        lock (_lock)
        {
            if (++_count > 1)
            {
                Console.Error.WriteLine($"{name}: already stopping; waiting for the step to reach a safe point (kill -9 {Environment.ProcessId} stops at once; `t1 resume` continues either way).");
                return;
            }
            handler = _handler;
            if (handler is null) _pending = name;
        }
        if (handler is not null) _ = Run(handler, name);
    }

    private static async Task Run(Func<string, Task> handler, string signal)
    {
        try { await handler(signal); }
        catch (Exception e) { Console.Error.WriteLine($"error: could not interrupt the run: {e.Message}"); }
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
