using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Activation checkpointing of one decoder layer (what <c>torch.utils.checkpoint</c> does, which TorchSharp 0.107
/// lacks): forward runs the layer without recording its graph and keeps only the layer's input; backward runs the
/// layer again with gradients on and differentiates it with <c>torch.autograd.grad</c>, handing back the gradient
/// of the input and of each of the layer's parameters (passed as inputs so they get their edges in the graph).
/// The layer has no dropout or other randomness, so the recomputation is exact.
/// </summary>
internal sealed class LayerCheckpoint : autograd.MultiTensorFunction<LayerCheckpoint>
{
    private const int Fixed = 6; // x, cos, sin, mask, layer, causal; then the parameters

    /// <summary>The layer's output (B, T, C) for x (B, T, C), with its activations recomputed in backward.</summary>
    public static Tensor Apply(DecoderLayer layer, Tensor x, Tensor cos, Tensor sin, Tensor? mask, bool causal)
    {
        var vars = new List<object?> { x, cos, sin, mask, layer, causal };
        vars.AddRange(layer.parameters().Where(p => p.requires_grad));
        return apply(vars.ToArray()!)[0];
    }

    public override string Name => nameof(LayerCheckpoint);

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        AutogradReturns.Release();
        var (x, cos, sin, mask) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], vars[3] as Tensor);
        var layer = (DecoderLayer)vars[4];
        bool causal = (bool)vars[5];
        ctx.save_for_backward([x, cos, sin, mask!]);
        ctx.save_data("layer", layer);
        ctx.save_data("causal", causal);
        ctx.save_data("count", vars.Length);
        ctx.save_data("parameters", vars.Skip(Fixed).Cast<Tensor>().ToList());
        ctx.set_materialize_grads(false);
        return [layer.Forward(x, cos, sin, mask, causal, null, 0, 0)];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
    {
        AutogradReturns.Release();
        var result = new List<Tensor>(new Tensor[(int)ctx.get_data("count")]);
        var g = gradOutputs[0];
        if (g is null || g.IsInvalid) return result;
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        var parameters = (List<Tensor>)ctx.get_data("parameters");
        using (enable_grad())
        {
            var x = saved[0].detach().requires_grad_(true);
            var y = layer.Forward(x, saved[1], saved[2], saved[3], (bool)ctx.get_data("causal"), null, 0, 0);
            var inputs = new List<Tensor> { x };
            inputs.AddRange(parameters);
            var grads = autograd.grad([y], inputs, [g], allow_unused: true);
            result[0] = AutogradReturns.Hold(grads[0]);
            for (int i = 0; i < parameters.Count; i++)
            {
                var gp = grads[i + 1];
                result[Fixed + i] = gp is null || gp.IsInvalid ? null! : AutogradReturns.Hold(gp);
            }
        }
        return result;
    }
}
