using System.Globalization;

namespace T1.Ml.Training;

/// <summary>
/// Settings of one supervised fine-tuning run (the <c>sft</c> step's inputs); defaults in
/// <see cref="SftDefaults"/>. Error messages use the step's input names (snake_case).
/// </summary>
public sealed record SftOptions
{
    /// <summary>Passes over the dataset.</summary>
    public int Epochs { get; init; } = SftDefaults.Epochs;

    /// <summary>Peak learning rate, reached at the end of warmup.</summary>
    public double LearningRate { get; init; } = SftDefaults.LearningRate;

    /// <summary>Where the cosine decay ends, as a share of <see cref="LearningRate"/>.</summary>
    public double MinLrRatio { get; init; } = 0.1;

    /// <summary>Optimizer steps of linear warmup from 0 to the peak learning rate.</summary>
    public int WarmupSteps { get; init; } = SftDefaults.Warmup;

    /// <summary>Sequences in one micro-batch (one forward/backward).</summary>
    public int BatchSize { get; init; } = SftDefaults.BatchSize;

    /// <summary>Micro-batches whose gradients are summed into one optimizer step (effective batch = BatchSize × GradAccum).</summary>
    public int GradAccum { get; init; } = 1;

    /// <summary>
    /// Longest training sequence in tokens (prompt + response + end of text). Longer examples are left out
    /// and counted (<see cref="SftData.TooLong"/>): cut, they would lose their end-of-text target.
    /// </summary>
    public int MaxLen { get; init; } = SftDefaults.MaxLen;

    /// <summary>AdamW weight decay, applied only to parameters with two or more dimensions.</summary>
    public double WeightDecay { get; init; } = SftDefaults.WeightDecay;

    /// <summary>AdamW β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW β₂.</summary>
    public double Beta2 { get; init; } = 0.95;

    /// <summary>Largest global gradient L2 norm; larger gradients are scaled down to it (0 = no clipping).</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Save a resumable checkpoint every this many optimizer steps (0 = only the final one).</summary>
    public int SaveEvery { get; init; } = SftDefaults.SaveEvery;

    /// <summary>Report metrics every this many optimizer steps (the last step is always reported).</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Seed of the data order (shuffling and length buckets); the same seed gives the same batches.</summary>
    public int Seed { get; init; }

    /// <summary>Stop after this many optimizer steps even if epochs remain (null = train all epochs). The schedule spans the shorter run.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>How many micro-batches' worth of examples are sorted by length together (length bucketing window).</summary>
    public int BucketBatches { get; init; } = 32;

    /// <exception cref="ArgumentException">The message names the input and its allowed range.</exception>
    public SftOptions Validate()
    {
        static void AtLeast(string name, double value, double min)
        {
            if (!(value >= min) || double.IsInfinity(value))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {min}, got {value}"));
        }
        AtLeast("epochs", Epochs, 1);
        if (!(LearningRate > 0) || LearningRate > 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"lr must be in (0, 1], got {LearningRate}; 1e-3 to 3e-3 suits the tiny preset"));
        if (MinLrRatio is < 0 or > 1 || double.IsNaN(MinLrRatio))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"min_lr_ratio must be between 0 and 1, got {MinLrRatio}"));
        AtLeast("warmup", WarmupSteps, 0);
        AtLeast("batch_size", BatchSize, 1);
        AtLeast("grad_accum", GradAccum, 1);
        AtLeast("max_len", MaxLen, 2);
        AtLeast("weight_decay", WeightDecay, 0);
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"AdamW betas must be in [0, 1), got {Beta1} and {Beta2}"));
        AtLeast("grad_clip", GradClip, 0);
        AtLeast("save_every", SaveEvery, 0);
        AtLeast("log_every", LogEvery, 1);
        AtLeast("bucket_batches", BucketBatches, 1);
        if (MaxSteps is int m) AtLeast("max_steps", m, 1);
        return this;
    }
}
