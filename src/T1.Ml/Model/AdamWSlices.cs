using T1.Ml.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// The AdamW update of one parameter, in place and over slices of its first dimension, so the temporaries of a step
/// (the gradient widened to the parameter's dtype, √v) are at most <see cref="SliceElements"/> elements each, whatever
/// the parameter's size. TorchSharp's <c>AdamW.step</c> runs every parameter inside one dispose scope and so holds two
/// parameter-sized temporaries of each parameter until the whole step ends: 8 bytes a parameter on top of weights,
/// gradients and moments (bench/RESULTS.md, "Memory plan"). The arithmetic is TorchSharp's, operation for operation.
/// </summary>
public static class AdamWSlices
{
    /// <summary>Elements a slice holds at most: 4 Mi, 16 MiB for each float32 temporary.</summary>
    public const long SliceElements = 1L << 22;

    /// <summary>
    /// One AdamW step of <paramref name="param"/> with <paramref name="grad"/> (any floating dtype; widened slice by
    /// slice) and the moments of <paramref name="state"/>, with <paramref name="options"/>' learning rate, betas, eps and
    /// weight decay; the updated values are then copied into <paramref name="copyTo"/> (e.g. a bfloat16 model weight)
    /// when given. Call without gradients (<c>no_grad</c>). <paramref name="sliceElements"/> is for tests.
    /// </summary>
    public static void Step(Tensor param, Tensor grad, AdamW.State state, AdamW.Options options, Tensor? copyTo = null, long sliceElements = SliceElements)
    {
        if (options.amsgrad == true || options.maximize == true)
            throw new NotSupportedException("AdamWSlices implements AdamW without amsgrad and maximize.");
        double lr = options.LearningRate!.Value, beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
        double eps = options.eps!.Value, weightDecay = options.weight_decay!.Value;
        state.step += 1;
        double bias1 = 1 - Math.Pow(beta1, state.step), bias2 = 1 - Math.Pow(beta2, state.step);
        double stepSize = lr / bias1, bias2Sqrt = Math.Sqrt(bias2);

        long rows = param.dim() == 0 ? 1 : param.shape[0];
        long perRow = rows == 0 ? 1 : Math.Max(1, param.numel() / rows);
        long slice = Math.Max(1, sliceElements / perRow);
        for (long first = 0; first < rows; first += slice)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(slice, rows - first);
            bool whole = count == rows;
            Tensor Part(Tensor t) => whole ? t : t.narrow(0, first, count);
            var p = Part(param);
            var g = Part(grad).to(p.dtype);
            var m = Part(state.exp_avg);
            var v = Part(state.exp_avg_sq);
            p.TimesInPlace(1 - lr * weightDecay);
            m.TimesInPlace(beta1).PlusScaledInPlace(g, 1 - beta1);
            v.TimesInPlace(beta2).PlusProductInPlace(g, g, 1 - beta2);
            var denom = v.sqrt().DividedBy(bias2Sqrt).PlusInPlace(eps);
            p.PlusQuotientInPlace(m, denom, -stepSize);
            if (copyTo is not null) Part(copyTo).copy_(p);
        }
    }
}
