using T1.Ml.Compute;
using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>
/// The RL objective as small pure functions over per-token tensors (veRL core_algos style); the trainer only feeds them.
/// For a minibatch of responses y_i with leave-one-out advantages A_i (<see cref="RlAdvantages.LeaveOneOut"/>), the
/// minimised loss is
/// <code>
/// L = Agg( max(−A_i·ρ_it, −A_i·clip(ρ_it, 1−ε_low, 1+ε_high)) )  −  α·Agg( H_it )  +  β·Agg( k(log π_it, log π_ref,it) )
/// ρ_it = π(y_it) / π_old(y_it)
/// </code>
/// where every probability is of the tempered next-token distribution softmax(z/T), T the rollout temperature
/// (the distribution that sampled, as veRL does), π_old is the policy that sampled (log-probs recomputed without
/// gradients before the first update), H the entropy of softmax(z/T), π_ref the <see cref="DynamicAnchor"/> and k the
/// per-token KL estimator (<see cref="RlKlEstimator"/>). Agg is <see cref="Aggregate"/> under <see cref="RlLossAgg"/>.
/// The KL enters as a loss term per token (veRL's use_kl_loss), not folded into the reward: T1's β·KL(π‖π_ref)
/// penalty on the policy, estimated token by token. With one pass over the rollout (ppo_epochs = 1, one
/// minibatch) ρ ≡ 1, clipping never binds and the policy term is the plain REINFORCE-with-baseline gradient.
/// </summary>
public static class RlObjective
{
    /// <summary>Log-ratios are clamped to ±this before exp (veRL's guard against overflow).</summary>
    public const double LogRatioClamp = 20.0;

    /// <summary>k3 values are clamped to ±this (veRL's low_var_kl).</summary>
    public const double K3Clamp = 10.0;

    /// <summary>
    /// The clipped surrogate per token. <paramref name="logp"/>, <paramref name="oldLogp"/> (B, T);
    /// <paramref name="advantages"/> (B, 1) or (B, T). Returns the loss (B, T) and a 0/1 float mask (B, T) of the
    /// tokens where clipping bound (the clipped term was the larger, so its gradient is zero) — the clip fraction.
    /// </summary>
    public static (Tensor Loss, Tensor Clipped) PolicyLoss(Tensor logp, Tensor oldLogp, Tensor advantages, double clipLow, double clipHigh)
    {
        using var scope = NewDisposeScope();
        var ratio = (logp - oldLogp).Clamped(-LogRatioClamp, LogRatioClamp).exp(); // (B, T)
        var unclipped = -advantages * ratio;                                       // (B, T)
        var clipped = -advantages * ratio.Clamped(1 - clipLow, 1 + clipHigh);    // (B, T)
        var loss = maximum(unclipped, clipped);
        var bound = clipped.gt(unclipped).to(float32);
        return (loss.MoveToOuterDisposeScope(), bound.MoveToOuterDisposeScope());
    }

    /// <summary>Per-token KL(π‖π_ref) estimate (B, T) from log π and log π_ref of the sampled tokens; see <see cref="RlKlEstimator"/>.</summary>
    public static Tensor Kl(Tensor logp, Tensor refLogp, RlKlEstimator estimator)
    {
        using var scope = NewDisposeScope();
        var result = estimator switch
        {
            RlKlEstimator.K2 => (logp - refLogp).Squared().Times(0.5),
            _ => K3(logp, refLogp),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One scalar from per-token values (B, T) where <paramref name="mask"/> (B, T) is 1: Σ values·mask divided by
    /// <paramref name="tokens"/> (<see cref="RlLossAgg.Token"/>) or by <paramref name="sequences"/>
    /// (<see cref="RlLossAgg.Sequence"/>). Pass the counts of the whole minibatch when it is split into micro-batches
    /// (the micro-batches' results then add up to the minibatch's); a micro-batch's own counts give the plain mean.
    /// </summary>
    public static Tensor Aggregate(Tensor values, Tensor mask, RlLossAgg mode, double sequences, double tokens)
    {
        using var scope = NewDisposeScope();
        var sum = (values * mask.to(values.dtype)).sum();
        var result = sum.DividedBy(mode == RlLossAgg.Token ? Math.Max(tokens, 1) : Math.Max(sequences, 1));
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor K3(Tensor logp, Tensor refLogp)
    {
        var d = (refLogp - logp).Clamped(-LogRatioClamp, LogRatioClamp); // log(π_ref/π)
        return (d.exp() - d).Plus(-1.0).Clamped(-K3Clamp, K3Clamp);
    }
}
