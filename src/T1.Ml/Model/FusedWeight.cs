using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Several projections of the same input as one matrix, for inference: <c>cat([w0, w1, …], 0)</c> multiplied once
/// instead of once per projection (batch-1 decode is bound by the number of ops, not by FLOPs). The original
/// parameters are re-pointed at slices of the fused storage, so memory is not doubled, checkpoints keep their
/// names and shapes, and in-place updates of a parameter (an optimizer step, <c>load_state_dict</c>) show in the
/// fused matrix. When a parameter object is replaced (<c>module.to(…)</c> makes new ones) the fusion no longer
/// holds and <see cref="Holds"/> turns false: callers then use the separate projections.
/// </summary>
internal sealed class FusedWeight : IDisposable
{
    private readonly TorchSharp.Modules.Parameter[] _parts;

    private FusedWeight(Tensor fused, TorchSharp.Modules.Parameter[] parts)
    {
        Tensor = fused;
        _parts = parts;
    }

    /// <summary>The fused matrix (Σ rows, in) or vector (Σ rows).</summary>
    public Tensor Tensor { get; }

    /// <summary>Fuses <paramref name="parts"/> (same trailing shape, same device and dtype) along dimension 0.</summary>
    public static FusedWeight Create(params TorchSharp.Modules.Parameter[] parts)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var fused = cat(parts.Cast<Tensor>().ToList(), 0).DetachFromDisposeScope(); // (Σ rows, …)
        long offset = 0;
        foreach (var p in parts)
        {
            long rows = p.shape[0];
            p.set_(fused.narrow(0, offset, rows)); // the parameter now reads and writes its slice of the fused storage
            offset += rows;
        }
        return new FusedWeight(fused, parts);
    }

    /// <summary>True while every part is still the same parameter object, on the fused storage's device and dtype.</summary>
    public bool Holds(params TorchSharp.Modules.Parameter?[] current)
    {
        if (current.Length != _parts.Length) return false;
        for (int i = 0; i < current.Length; i++)
            if (!ReferenceEquals(current[i], _parts[i])) return false;
        return true;
    }

    public void Dispose() => Tensor.Dispose();
}
