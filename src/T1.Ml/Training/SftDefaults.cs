namespace T1.Ml.Training;

/// <summary>
/// Defaults of <see cref="SftOptions"/> and of the <c>sft</c> step's inputs, in one place: ordinary SFT
/// settings for a few epochs over a dataset. The tiny-preset arithmetic demo overrides them from its
/// workflow (many epochs over ~200 traces; see bench/RESULTS.md, "ML core").
/// </summary>
public static class SftDefaults
{
    public const int Epochs = 3;
    public const double LearningRate = 1e-3;
    public const int BatchSize = 16;
    public const int MaxLen = 512;
    public const int Warmup = 20;
    public const int SaveEvery = 100;
    public const int VocabSize = 512;
    public const double WeightDecay = 0.1;
}
