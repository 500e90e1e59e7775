using T1.Ml.Compute;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Per-token log-probabilities and entropies: the quantities SFT and RL losses are built from.
/// All functions keep the autograd graph (call under <c>no_grad()</c> when no gradient is wanted)
/// and compute in float32 whatever the logits' dtype.
/// </summary>
public static class TokenLogProbs
{
    /// <summary>
    /// logits (B, T, V) and targets (B, T) int64 → log p(targets) (B, T), by log-sum-exp
    /// (no (B, T, V) log-softmax kept beyond the call).
    /// </summary>
    public static Tensor OfTargets(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var l = logits.to(float32);
        var picked = l.gather(-1, targets.unsqueeze(-1)).squeeze(-1); // (B, T)
        return (picked - l.logsumexp(-1)).MoveToOuterDisposeScope();   // (B, T)
    }

    /// <summary>
    /// Scores whole sequences: ids (B, T) → log p(ids[:, t] | ids[:, &lt;t]) for t = 1..T−1, shape (B, T−1).
    /// <paramref name="targetMask"/> (B, T), e.g. 1 on response tokens and 0 on prompt and padding,
    /// zeroes the other positions (its column 0 is ignored). Rows must be right-padded. Memory-bounded like
    /// <see cref="Score"/>.
    /// </summary>
    public static Tensor OfSequences(DecoderLM model, Tensor ids, Tensor? targetMask = null)
    {
        using var scope = NewDisposeScope();
        long T = ids.shape[1];
        var (logp, _) = OfNextTokens(model, ids.narrow(1, 0, T - 1), ids.narrow(1, 1, T - 1), 1.0, withEntropy: false); // (B, T-1)
        if (targetMask is not null) logp = logp * targetMask.narrow(1, 1, T - 1).to(logp.dtype);
        return logp.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The one scoring entry point of the RL objective: ids (B, T) right-padded → per-token log p and, when asked,
    /// entropy of the next-token distribution softmax(logits / <paramref name="temperature"/>) at positions 1..T−1,
    /// both (B, T−1), zeroed where <paramref name="targetMask"/> (B, T; column 0 ignored) is 0. The temperature is
    /// the sampling temperature, so the scored distribution is the one that sampled (as veRL does).
    /// Keeps the autograd graph; call under <c>no_grad()</c> for old/reference log-probs. Memory-bounded: the
    /// (B, T−1, V) logits are never held at once (chunks of <see cref="ChunkedLogProbs.ChunkBytes"/> fp32 logits,
    /// recomputed in backward).
    /// </summary>
    public static (Tensor LogProbs, Tensor? Entropy) Score(DecoderLM model, Tensor ids, Tensor targetMask, double temperature = 1.0, bool withEntropy = false) =>
        Score(model, ids, targetMask, temperature, withEntropy, chunk: null);

    /// <summary><see cref="Score(DecoderLM, Tensor, Tensor, double, bool)"/> with an explicit chunk of <paramref name="chunk"/> positions (tests).</summary>
    internal static (Tensor LogProbs, Tensor? Entropy) Score(DecoderLM model, Tensor ids, Tensor targetMask, double temperature, bool withEntropy, long? chunk)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0.");
        using var scope = NewDisposeScope();
        long T = ids.shape[1];
        var m = targetMask.narrow(1, 1, T - 1).to(float32);                   // (B, T-1)
        var (logp, entropy) = OfNextTokens(model, ids.narrow(1, 0, T - 1), ids.narrow(1, 1, T - 1), temperature, withEntropy, chunk);
        return ((logp * m).MoveToOuterDisposeScope(), withEntropy ? (entropy * m).MoveToOuterDisposeScope() : null);
    }

    /// <summary>
    /// inputs (B, T) and targets (B, T) → log p(targets[:, t] | inputs[:, ≤t]) and the entropy of that next-token
    /// distribution at temperature τ, both (B, T) float32 (entropy zeros unless asked), computed over chunks of
    /// positions without holding the (B, T, V) logits (<see cref="ChunkedLogProbs"/>).
    /// </summary>
    public static (Tensor LogProbs, Tensor Entropy) OfNextTokens(DecoderLM model, Tensor inputs, Tensor targets, double temperature = 1.0, bool withEntropy = false, long? chunk = null)
    {
        using var scope = NewDisposeScope();
        long B = inputs.shape[0], T = inputs.shape[1];
        var h = model.Hidden(inputs);                                          // (B, T, C)
        var (logp, entropy) = ChunkedLogProbs.Apply(h.reshape(B * T, -1), model.OutputWeight, targets.reshape(B * T), temperature, withEntropy, chunk);
        return (logp.view(B, T).MoveToOuterDisposeScope(), entropy.view(B, T).MoveToOuterDisposeScope());
    }

    /// <summary>Entropy of the next-token distribution, logits (B, T, V) → (B, T), in nats.</summary>
    public static Tensor Entropy(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var logp = logits.to(float32).log_softmax(-1);          // (B, T, V)
        return (-(logp.exp() * logp).sum(-1)).MoveToOuterDisposeScope(); // (B, T)
    }

    /// <summary>Mean of <paramref name="values"/> over positions where <paramref name="mask"/> is nonzero (0 when the mask is empty).</summary>
    public static Tensor MaskedMean(Tensor values, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var m = mask.to(values.dtype);
        return ((values * m).sum() / m.sum().AtLeast(1.0)).MoveToOuterDisposeScope();
    }
}
