namespace T1.Ml.Training;

/// <summary>How <see cref="RlObjective.Aggregate"/> turns per-token losses into one number (the <c>loss_agg</c> input).</summary>
public enum RlLossAgg
{
    /// <summary>
    /// Mean over all response tokens of the minibatch (DAPO, veRL "token-mean"): every token weighs the same,
    /// so long responses are not down-weighted per token.
    /// </summary>
    Token,

    /// <summary>
    /// Sum over each response's tokens, mean over responses (veRL "seq-mean-token-sum"): the REINFORCE
    /// gradient of the sequence log-probability, Σ_t log π(y_t), without length normalisation.
    /// </summary>
    Sequence,
}
