using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>
/// Gradients of a step computed in parts on separate threads (<see cref="Compute.CpuWorkers"/>) and then added into the
/// parameters' gradients in part order, so the sum is the same whichever thread finished first (concurrent
/// <c>backward()</c> calls would accumulate into the same gradients in the order the threads happen to reach them).
/// </summary>
internal static class GradientParts
{
    /// <summary>d <paramref name="loss"/> / d each parameter, detached from the dispose scope; null where a parameter is unused.</summary>
    public static Tensor?[] Of(Tensor loss, IReadOnlyList<Tensor> parameters) =>
        autograd.grad([loss], parameters.ToList(), allow_unused: true)
            .Select(g => g is null || g.IsInvalid ? null : g.DetachFromDisposeScope()).ToArray();

    /// <summary>Adds each part's gradients (in list order) to the gradients the parameters hold; disposes the parts.</summary>
    public static void AddInto(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor?[]> parts)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            using var held = parameters[i].grad; // a new handle on the gradient the parameter holds, or null
            Tensor? sum = held;
            foreach (var part in parts)
            {
                if (part[i] is not { } g) continue;
                if (sum is null)
                {
                    sum = g;
                    continue;
                }
                sum.add_(g);
                g.Dispose();
            }
            if (held is null && sum is not null)
            {
                parameters[i].grad = sum; // the parameter keeps its own reference
                sum.Dispose();
            }
        }
    }
}
