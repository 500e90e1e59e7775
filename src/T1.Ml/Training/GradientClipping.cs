using T1.Ml.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>Global-norm gradient clipping shared by the trainers.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> so their global L2 norm is at most
    /// <paramref name="maxNorm"/> (no clipping when <paramref name="maxNorm"/> ≤ 0 or infinite) and returns
    /// the norm before clipping, for metrics. A non-finite norm (NaN/inf gradients) is returned as is and
    /// the gradients are left unscaled: the caller should skip that update (see <see cref="IsUsable"/>).
    /// Parameters without a gradient are ignored.
    /// </summary>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        using var scope = NewDisposeScope();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0.0;
        // ‖(‖g₁‖, …, ‖gₙ‖)‖ = the global norm, on the gradients' device, read back once.
        var norms = stack(grads.Select(g => linalg.vector_norm(g.detach())).ToArray()); // (n)
        var norm = (double)linalg.vector_norm(norms).to(ScalarType.Float64).cpu().data<double>()[0];
        if (!double.IsFinite(norm) || maxNorm <= 0 || double.IsPositiveInfinity(maxNorm) || norm <= maxNorm) return norm;
        var scale = maxNorm / (norm + 1e-6);
        using (no_grad())
        {
            foreach (var g in grads) g.TimesInPlace(scale);
        }
        return norm;
    }

    /// <summary>True when an update with this gradient norm is safe to apply.</summary>
    public static bool IsUsable(double norm) => double.IsFinite(norm);
}
