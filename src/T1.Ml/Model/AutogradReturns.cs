using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Gradients a custom autograd function hands back to libtorch's engine from <c>backward</c>. The engine takes
/// its own reference when the callback returns, so the managed handles are released at this thread's next
/// call into such a function (backward may run on an engine thread without a dispose scope; another
/// thread's callback may not have returned yet, hence one list per thread).
/// </summary>
internal static class AutogradReturns
{
    [ThreadStatic] private static List<Tensor>? _held;

    /// <summary>Detaches <paramref name="t"/> from any dispose scope and holds it until <see cref="Release"/>; returns it.</summary>
    public static Tensor Hold(Tensor t)
    {
        t.DetachFromDisposeScope();
        (_held ??= []).Add(t);
        return t;
    }

    /// <summary>Disposes what this thread returned before.</summary>
    public static void Release()
    {
        if (_held is null) return;
        foreach (var t in _held) t.Dispose();
        _held.Clear();
    }
}
