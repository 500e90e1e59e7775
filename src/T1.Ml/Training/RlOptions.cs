using System.Globalization;

namespace T1.Ml.Training;

/// <summary>
/// Settings of one RL run (the <c>rl</c> step's inputs); defaults in <see cref="RlDefaults"/>. Error messages
/// use the step's input names (snake_case). The objective they parameterise is described on <see cref="RlObjective"/>.
/// </summary>
public sealed record RlOptions
{
    /// <summary>RL steps: one rollout and <see cref="PpoEpochs"/> × <see cref="Minibatches"/> optimizer updates each.</summary>
    public int Steps { get; init; } = RlDefaults.Steps;

    /// <summary>Prompt groups per step (with <see cref="FilterGroups"/>: groups with a learning signal).</summary>
    public int PromptsPerStep { get; init; } = RlDefaults.PromptsPerStep;

    /// <summary>K: responses sampled per prompt (oversampling); the leave-one-out baseline needs K ≥ 2.</summary>
    public int SamplesPerPrompt { get; init; } = RlDefaults.SamplesPerPrompt;

    /// <summary>T: rollouts sample softmax(z/T), and every log-probability of the loss (ratio, entropy, KL) is of z/T too.</summary>
    public double Temperature { get; init; } = RlDefaults.Temperature;

    /// <summary>Nucleus sampling of the rollouts (1 = off). The loss ignores the truncation, as veRL does.</summary>
    public double TopP { get; init; } = RlDefaults.TopP;

    /// <summary>Most response tokens; a response that reaches it is overlong.</summary>
    public int MaxNewTokens { get; init; } = RlDefaults.MaxNewTokens;

    /// <summary>Peak AdamW learning rate (constant after a short warmup).</summary>
    public double Lr { get; init; } = RlDefaults.Lr;

    /// <summary>Steps of linear learning-rate warmup.</summary>
    public int WarmupSteps { get; init; } = RlDefaults.WarmupSteps;

    /// <summary>AdamW weight decay on matrices.</summary>
    public double WeightDecay { get; init; } = RlDefaults.WeightDecay;

    /// <summary>Global gradient-norm clip.</summary>
    public double GradClip { get; init; } = RlDefaults.GradClip;

    /// <summary>α: weight of the entropy bonus (per-token entropy of response positions, aggregated like the loss).</summary>
    public double EntropyCoef { get; init; } = RlDefaults.EntropyCoef;

    /// <summary>β: weight of the per-token KL(π‖π_ref) loss term.</summary>
    public double KlCoef { get; init; } = RlDefaults.KlCoef;

    /// <summary>Estimator of the KL loss term; see <see cref="RlKlEstimator"/>.</summary>
    public RlKlEstimator KlEstimator { get; init; } = Enum.Parse<RlKlEstimator>(RlDefaults.KlEstimator, ignoreCase: true);

    /// <summary>γ of the dynamic anchor: θ_ref ← γ·θ_ref + (1−γ)·θ.</summary>
    public double AnchorEma { get; init; } = RlDefaults.AnchorEma;

    /// <summary>N: the anchor is refreshed every N steps.</summary>
    public int AnchorEvery { get; init; } = RlDefaults.AnchorEvery;

    /// <summary>Passes over each rollout; beyond the first, the importance ratio and its clipping keep the update near the sampling policy.</summary>
    public int PpoEpochs { get; init; } = RlDefaults.PpoEpochs;

    /// <summary>Optimizer updates per pass: the rollout is shuffled and cut into this many minibatches.</summary>
    public int Minibatches { get; init; } = RlDefaults.Minibatches;

    /// <summary>ε_low: the ratio π/π_old is clipped below at 1 − ε_low.</summary>
    public double ClipLow { get; init; } = RlDefaults.ClipLow;

    /// <summary>ε_high: the ratio is clipped above at 1 + ε_high (DAPO's clip-higher when larger than ε_low).</summary>
    public double ClipHigh { get; init; } = RlDefaults.ClipHigh;

    /// <summary>How per-token losses are aggregated; see <see cref="RlLossAgg"/>.</summary>
    public RlLossAgg LossAgg { get; init; } = Enum.Parse<RlLossAgg>(RlDefaults.LossAgg, ignoreCase: true);

    /// <summary>Drop groups whose K rewards are all equal (no leave-one-out signal) and sample further prompts instead.</summary>
    public bool FilterGroups { get; init; } = RlDefaults.FilterGroups;

    /// <summary>Most rollout rounds per step when <see cref="FilterGroups"/> refills (the first included).</summary>
    public int FilterMaxRounds { get; init; } = RlDefaults.FilterMaxRounds;

    /// <summary>Reward of an overlong, repetitive or unparsable response (the verifier gives 1 or 0 otherwise).</summary>
    public double OverlongPenalty { get; init; } = RlDefaults.OverlongPenalty;

    /// <summary>n of the repetition check: a response repeating one n-token sequence <see cref="RepetitionRepeats"/> times is repetitive (0 = off).</summary>
    public int RepetitionNgram { get; init; } = RlDefaults.RepetitionNgram;

    /// <summary>How many occurrences of one n-gram make a response repetitive.</summary>
    public int RepetitionRepeats { get; init; } = RlDefaults.RepetitionRepeats;

    /// <summary>Sequences per forward/backward chunk (gradient accumulation; bounds memory, not the maths).</summary>
    public int MicroBatch { get; init; } = RlDefaults.MicroBatch;

    /// <summary>Most responses decoded together in one rollout batch (bounds the KV cache with <see cref="MaxBatchTokens"/>).</summary>
    public int RolloutBatch { get; init; } = RlDefaults.RolloutBatch;

    /// <summary>
    /// Most KV-cache positions of one rollout batch: a batch holds at most ⌊this / (longest prompt + max_new_tokens)⌋
    /// responses (at least 1), so its cache stays under 2·L·KV·D·bytes × this (0 = only <see cref="RolloutBatch"/>).
    /// </summary>
    public long MaxBatchTokens { get; init; } = RlDefaults.MaxBatchTokens;

    /// <summary>Seed of the prompt order, the rollouts and the minibatch shuffles; the same seed and init give the same run.</summary>
    public int Seed { get; init; }

    /// <summary>Health alarms; see <see cref="RlAlarmOptions"/>.</summary>
    public RlAlarmOptions Alarms { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field (as the step input name).</summary>
    public RlOptions Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        Check(Steps >= 1, $"steps must be at least 1, got {Steps}");
        Check(PromptsPerStep >= 1, $"prompts_per_step must be at least 1, got {PromptsPerStep}");
        Check(SamplesPerPrompt >= 2, $"samples_per_prompt must be at least 2 (the leave-one-out baseline compares each sample with the others), got {SamplesPerPrompt}");
        Check(Temperature > 0, $"temperature must be above 0 for RL sampling, got {F(Temperature)}");
        Check(TopP is > 0 and <= 1, $"top_p must be in (0, 1], got {F(TopP)}");
        Check(MaxNewTokens >= 1, $"max_new_tokens must be at least 1, got {MaxNewTokens}");
        Check(Lr > 0 && double.IsFinite(Lr), $"lr must be a positive number, got {F(Lr)}");
        Check(WarmupSteps >= 0, $"warmup_steps must be ≥ 0, got {WarmupSteps}");
        Check(WeightDecay >= 0, $"weight_decay must be ≥ 0, got {F(WeightDecay)}");
        Check(GradClip > 0, $"grad_clip must be above 0, got {F(GradClip)}");
        Check(EntropyCoef >= 0, $"entropy_coef must be ≥ 0, got {F(EntropyCoef)}");
        Check(KlCoef >= 0, $"kl_coef must be ≥ 0, got {F(KlCoef)}");
        Check(AnchorEma is >= 0 and <= 1, $"anchor_ema must be between 0 and 1, got {F(AnchorEma)}");
        Check(AnchorEvery >= 1, $"anchor_every must be at least 1, got {AnchorEvery}");
        Check(PpoEpochs >= 1, $"ppo_epochs must be at least 1, got {PpoEpochs}");
        Check(Minibatches >= 1, $"minibatches must be at least 1, got {Minibatches}");
        Check(Minibatches <= PromptsPerStep * SamplesPerPrompt,
            $"minibatches ({Minibatches}) must not exceed the responses of a step, prompts_per_step × samples_per_prompt = {PromptsPerStep * SamplesPerPrompt}");
        Check(ClipLow is > 0 and < 1, $"clip_low must be in (0, 1), got {F(ClipLow)}");
        Check(ClipHigh > 0 && double.IsFinite(ClipHigh), $"clip_high must be above 0, got {F(ClipHigh)}");
        Check(FilterMaxRounds >= 1, $"filter_max_rounds must be at least 1, got {FilterMaxRounds}");
        Check(OverlongPenalty <= 0, $"overlong_penalty is the reward of a bad response and must be ≤ 0, got {F(OverlongPenalty)}");
        Check(RepetitionNgram >= 0, $"repetition_ngram must be ≥ 0 (0 turns the check off), got {RepetitionNgram}");
        Check(RepetitionRepeats >= 2, $"repetition_repeats must be at least 2, got {RepetitionRepeats}");
        Check(MicroBatch >= 1, $"micro_batch must be at least 1, got {MicroBatch}");
        Check(RolloutBatch >= 1, $"rollout_batch must be at least 1, got {RolloutBatch}");
        Check(MaxBatchTokens >= 0, $"max_batch_tokens must be ≥ 0 (0 = no token limit), got {MaxBatchTokens}");
        Alarms.Validate();
        return this;
    }
}
