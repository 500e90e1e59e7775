using T1.Ml.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// log p(target) and entropy of softmax(h·Wᵀ / τ) for N positions without ever holding the N × V logits:
/// the output projection, log-softmax and entropy run over chunks of positions in forward, and are
/// recomputed chunk by chunk in backward, where the gradient with respect to the logits is written out
/// analytically (∂log p_y/∂z = (onehot_y − p)/τ, ∂H/∂z = −p·(log p + H)/τ). Peak extra memory is at most
/// three fp32 (chunk, V) tensors (in place wherever a tensor is not needed again), plus an fp32 (V, C) accumulator
/// for the gradient of W in backward, into which each chunk's gzᵀ·h is added without a (V, C) temporary.
/// Computes in float32 whatever the dtype of h and W (the projection itself runs in their dtype, as the
/// unchunked model does).
/// </summary>
internal sealed class ChunkedLogProbs : autograd.MultiTensorFunction<ChunkedLogProbs>
{
    /// <summary>Budget of one chunk's fp32 logits: the chunk holds ⌊ChunkBytes / (4·V)⌋ positions (at least 1).</summary>
    public const long ChunkBytes = 128L << 20;

    /// <summary>Positions per chunk for vocabulary <paramref name="vocab"/>.</summary>
    public static long DefaultChunk(long vocab) => Math.Max(1, ChunkBytes / (4 * vocab));

    /// <summary>
    /// hidden (N, C), weight (V, C), targets (N) int64 → (log p (N), entropy (N) or zeros when not asked),
    /// both float32 and differentiable with respect to hidden and weight.
    /// </summary>
    public static (Tensor LogProbs, Tensor Entropy) Apply(Tensor hidden, Tensor weight, Tensor targets, double temperature, bool withEntropy, long? chunk = null)
    {
        var outputs = apply(hidden, weight, targets, temperature, withEntropy, chunk ?? DefaultChunk(weight.shape[0]));
        return (outputs[0], outputs[1]);
    }

    public override string Name => nameof(ChunkedLogProbs);

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        AutogradReturns.Release();
        var (h, w, y) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        double tau = (double)vars[3];
        bool withEntropy = (bool)vars[4];
        long chunk = (long)vars[5];
        ctx.save_for_backward([h, w, y]);
        // An unused output's gradient arrives undefined and is treated as zero below. (Materialising it would read
        // TorchSharp's per-output cache, which the caller's dispose scope may already have freed.)
        ctx.set_materialize_grads(false);
        ctx.save_data("tau", tau);
        ctx.save_data("entropy", withEntropy);
        ctx.save_data("chunk", chunk);
        long n = h.shape[0];
        var logp = empty(n, dtype: float32, device: h.device);     // (N)
        var entropy = zeros(n, dtype: float32, device: h.device);  // (N)
        for (long s = 0; s < n; s += chunk)
        {
            using var scope = NewDisposeScope();
            long c = Math.Min(chunk, n - s);
            var z = Logits(h.narrow(0, s, c), w, tau);                      // (c, V) fp32
            var lse = z.logsumexp(-1, keepdim: true);                       // (c, 1)
            logp.narrow(0, s, c).copy_((z.gather(-1, y.narrow(0, s, c).unsqueeze(-1)) - lse).squeeze(-1));
            if (withEntropy)
            {
                var pz = (z - lse).exp_().mul_(z);                          // (c, V): p·z, in place
                entropy.narrow(0, s, c).copy_((lse - pz.sum(-1, keepdim: true)).squeeze(-1)); // H = lse − Σ p z
            }
        }
        return [logp, entropy];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
    {
        AutogradReturns.Release();
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (h, w, y) = (saved[0], saved[1], saved[2]);
        double tau = (double)ctx.get_data("tau");
        bool withEntropy = (bool)ctx.get_data("entropy");
        long chunk = (long)ctx.get_data("chunk");
        var gLogp = Defined(gradOutputs[0]);                                // (N) or null
        var gEntropy = withEntropy ? Defined(gradOutputs[1]) : null;       // (N) or null
        long n = h.shape[0];
        var gradH = empty_like(h);                                          // (N, C)
        var gradW = zeros(w.shape, dtype: float32, device: w.device);       // (V, C), fp32 accumulator
        for (long s = 0; s < n; s += chunk)
        {
            using var inner = NewDisposeScope();
            long c = Math.Min(chunk, n - s);
            var hc = h.narrow(0, s, c);                                     // (c, C)
            // Three (c, V) fp32 tensors at most: the logits turned into log p in place, p, and one product; the
            // gradient with respect to z is built in place in whichever of them is no longer needed.
            var logpAll = Logits(hc, w, tau);                               // (c, V) z
            logpAll.sub_(logpAll.logsumexp(-1, keepdim: true));             // (c, V) log p
            var p = logpAll.exp();                                          // (c, V)
            Tensor gz;                                                      // (c, V) ∂/∂z (before 1/τ)
            if (gEntropy is not null)
            {
                var ge = gEntropy.narrow(0, s, c).to(float32).unsqueeze(-1); // (c, 1)
                Tensor entropy;                                              // (c, 1)
                using (var pl = p * logpAll) entropy = -pl.sum(-1, keepdim: true);
                gz = logpAll.PlusInPlace(entropy).mul_(p).mul_(ge).neg_(); // −g_H·p·(log p + H)
                if (gLogp is not null) gz.sub_(p.mul_(Column(gLogp, s, c))); // −g·p
            }
            else gz = gLogp is not null ? p.mul_(Column(gLogp, s, c)).neg_() : zeros_like(p);
            if (gLogp is not null) gz.scatter_add_(-1, y.narrow(0, s, c).unsqueeze(-1), Column(gLogp, s, c)); // + g at the target
            if (tau != 1.0) gz.div_(tau);
            using (var gzw = gz.to(w.dtype)) gradH.narrow(0, s, c).copy_(gzw.matmul(w)); // (c, C)
            gradW.addmm_(gz.t(), hc.to(float32));                           // (V, C) += gzᵀ·h, no (V, C) temporary
        }
        var result = new List<Tensor> { gradH, gradW.to(w.dtype), null!, null!, null!, null! };
        AutogradReturns.Hold(result[0]);
        AutogradReturns.Hold(result[1]);
        return result;
    }

    private static Tensor? Defined(Tensor? t) => t is null || t.IsInvalid ? null : t;

    /// <summary>Rows s..s+c of a per-position gradient (N) as an fp32 column (c, 1).</summary>
    private static Tensor Column(Tensor g, long s, long c) => g.narrow(0, s, c).to(float32).unsqueeze(-1);

    /// <summary>h (c, C) · Wᵀ in their dtype, then float32 and divided by τ → (c, V).</summary>
    private static Tensor Logits(Tensor h, Tensor w, double tau)
    {
        var projected = nn.functional.linear(h, w);                         // (c, V) in w's dtype
        var z = projected.to(float32);
        if (projected.dtype != ScalarType.Float32) projected.Dispose();     // the bf16 copy is not needed past here
        return tau == 1.0 ? z : z.div_(tau);
    }
}
