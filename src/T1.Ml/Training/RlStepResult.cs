namespace T1.Ml.Training;

/// <summary>The figures of one RL step, logged as the step's metrics (keys as in <see cref="Metrics"/>).</summary>
public sealed record RlStepResult
{
    /// <summary>The step just completed (1-based).</summary>
    public long Step { get; init; }

    /// <summary>Mean reward of every response sampled in the step (refill rounds included).</summary>
    public double Reward { get; init; }

    /// <summary>Standard deviation of those rewards.</summary>
    public double RewardStd { get; init; }

    /// <summary>Share of responses the verifier accepted.</summary>
    public double Accuracy { get; init; }

    /// <summary>Share of prompts with at least one accepted response among its K.</summary>
    public double PassAtK { get; init; }

    /// <summary>Share of sampled groups whose K rewards are all equal (no leave-one-out signal).</summary>
    public double ZeroVarianceGroups { get; init; }

    /// <summary>Sampled groups left out of the update by filter_groups (0 without it).</summary>
    public int GroupsDropped { get; init; }

    /// <summary>Rollout rounds of the step (1 without filter_groups).</summary>
    public int RolloutRounds { get; init; }

    /// <summary>Mean / longest response, in tokens.</summary>
    public double MeanResponseLen { get; init; }

    public int MaxResponseLen { get; init; }

    /// <summary>Shares of responses judged overlong (cut at max_new_tokens: the clipped ratio), repetitive, unparsable.</summary>
    public double OverlongRatio { get; init; }

    public double RepetitionRatio { get; init; }

    public double UnparsableRatio { get; init; }

    /// <summary>Mean per-token entropy of softmax(z/T) over the trained response positions, nats (over every pass of the update).</summary>
    public double Entropy { get; init; }

    /// <summary>Mean KL(π‖π_ref) per response token, nats: the k3 estimate over the trained tokens (0 when no reference is needed).</summary>
    public double Kl { get; init; }

    /// <summary>Share of trained tokens whose ratio was clipped (0 with one on-policy pass).</summary>
    public double ClipFraction { get; init; }

    /// <summary>The minimised loss (<see cref="RlObjective"/>), mean over the step's optimizer updates.</summary>
    public double Loss { get; init; }

    /// <summary>Global gradient norm before clipping, mean over the step's optimizer updates.</summary>
    public double GradNorm { get; init; }

    /// <summary>Learning rate used.</summary>
    public double Lr { get; init; }

    /// <summary>Generated tokens per second of the rollout.</summary>
    public double RolloutTokensPerS { get; init; }

    /// <summary>Tokens (prompt + response) per second through the update (reference and policy passes).</summary>
    public double TrainTokensPerS { get; init; }

    /// <summary>True when the anchor was refreshed after this step.</summary>
    public bool AnchorUpdated { get; init; }

    /// <summary>True when the update was skipped because the gradient was not finite.</summary>
    public bool UpdateSkipped { get; init; }

    /// <summary>Metric keys and values, as the step logs them.</summary>
    public IEnumerable<KeyValuePair<string, double>> Metrics()
    {
        yield return new("reward", Reward);
        yield return new("reward_std", RewardStd);
        yield return new("accuracy", Accuracy);
        yield return new("pass_at_k", PassAtK);
        yield return new("zero_variance_groups", ZeroVarianceGroups);
        yield return new("groups_dropped", GroupsDropped);
        yield return new("mean_response_len", MeanResponseLen);
        yield return new("max_response_len", MaxResponseLen);
        yield return new("overlong_ratio", OverlongRatio);
        yield return new("repetition_ratio", RepetitionRatio);
        yield return new("unparsable_ratio", UnparsableRatio);
        yield return new("entropy", Entropy);
        yield return new("kl", Kl);
        yield return new("clip_fraction", ClipFraction);
        yield return new("loss", Loss);
        yield return new("grad_norm", GradNorm);
        yield return new("lr", Lr);
        yield return new("rollout_tokens_per_s", RolloutTokensPerS);
        yield return new("train_tokens_per_s", TrainTokensPerS);
    }
}
