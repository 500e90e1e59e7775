using System.Globalization;

namespace T1.Ml.Training;

/// <summary>
/// Settings of one RL run (the <c>rl</c> step's inputs). Defaults follow the T1 paper where a tiny CPU
/// model can afford them (K = 16 instead of 64, temperature 1.2).
/// </summary>
public sealed record RlOptions
{
    /// <summary>Optimizer steps (one rollout + one update each).</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Distinct prompts per step.</summary>
    public int PromptsPerStep { get; init; } = 8;

    /// <summary>K: responses sampled per prompt (oversampling); the leave-one-out baseline needs K ≥ 2.</summary>
    public int SamplesPerPrompt { get; init; } = 16;

    /// <summary>Sampling temperature of the rollouts (the loss is always under the untempered policy).</summary>
    public double Temperature { get; init; } = 1.2;

    /// <summary>Nucleus sampling of the rollouts (1 = off).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Most response tokens; a response that reaches it is overlong.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Peak AdamW learning rate (constant after a short warmup).</summary>
    public double Lr { get; init; } = 3e-4;

    /// <summary>Steps of linear learning-rate warmup.</summary>
    public int WarmupSteps { get; init; } = 5;

    /// <summary>AdamW weight decay on matrices.</summary>
    public double WeightDecay { get; init; } = 0.0;

    /// <summary>Global gradient-norm clip.</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>α: weight of the entropy bonus (mean per-token entropy of response positions, nats).</summary>
    public double EntropyCoef { get; init; } = 0.001;

    /// <summary>β: weight of the centred KL(π‖π_ref) penalty.</summary>
    public double KlCoef { get; init; } = 0.02;

    /// <summary>γ of the dynamic anchor: θ_ref ← γ·θ_ref + (1−γ)·θ.</summary>
    public double AnchorEma { get; init; } = 0.9;

    /// <summary>N: the anchor is refreshed every N steps.</summary>
    public int AnchorEvery { get; init; } = 5;

    /// <summary>Reward of an overlong, repetitive or unparsable response (the verifier gives 1 or 0 otherwise).</summary>
    public double OverlongPenalty { get; init; } = -1.0;

    /// <summary>n of the repetition check: a response repeating one n-token sequence <see cref="RepetitionRepeats"/> times is repetitive (0 = off).</summary>
    public int RepetitionNgram { get; init; } = 24;

    /// <summary>How many occurrences of one n-gram make a response repetitive.</summary>
    public int RepetitionRepeats { get; init; } = 3;

    /// <summary>Sequences per forward/backward chunk (gradient accumulation; bounds memory, not the maths).</summary>
    public int MicroBatch { get; init; } = 64;

    /// <summary>Seed of the prompt order and the rollouts; the same seed and init give the same run.</summary>
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
        Check(OverlongPenalty <= 0, $"overlong_penalty is the reward of a bad response and must be ≤ 0, got {F(OverlongPenalty)}");
        Check(RepetitionNgram >= 0, $"repetition_ngram must be ≥ 0 (0 turns the check off), got {RepetitionNgram}");
        Check(RepetitionRepeats >= 2, $"repetition_repeats must be at least 2, got {RepetitionRepeats}");
        Check(MicroBatch >= 1, $"micro_batch must be at least 1, got {MicroBatch}");
        Alarms.Validate();
        return this;
    }
}

/// <summary>
/// Thresholds of the RL health alarms. An alarm fires when its quantity is past the threshold for
/// <see cref="Patience"/> consecutive steps; 0 turns an alarm off.
/// </summary>
public sealed record RlAlarmOptions
{
    /// <summary>Entropy collapse: mean per-token entropy (nats) below this.</summary>
    public double EntropyMin { get; init; } = 0.005;

    /// <summary>KL blow-up: mean KL(π‖π_ref) per response (nats) above this.</summary>
    public double KlMax { get; init; } = 50.0;

    /// <summary>Length runaway: share of responses that hit max_new_tokens above this (0..1).</summary>
    public double OverlongMax { get; init; } = 0.9;

    /// <summary>Consecutive bad steps before an alarm fires.</summary>
    public int Patience { get; init; } = 3;

    public void Validate()
    {
        if (EntropyMin < 0) throw new ArgumentException($"alarm_entropy_min must be ≥ 0, got {EntropyMin.ToString(CultureInfo.InvariantCulture)}");
        if (KlMax < 0) throw new ArgumentException($"alarm_kl_max must be ≥ 0, got {KlMax.ToString(CultureInfo.InvariantCulture)}");
        if (OverlongMax is < 0 or > 1) throw new ArgumentException($"alarm_overlong_max must be between 0 and 1, got {OverlongMax.ToString(CultureInfo.InvariantCulture)}");
        if (Patience < 1) throw new ArgumentException($"alarm_patience must be at least 1, got {Patience}");
    }
}
