namespace T1.Ml.Training;

/// <summary>
/// Defaults of the <c>sft</c> step: the settings that reach the quality target on the tiny preset with
/// arithmetic traces on a 2-core CPU (bench/RESULTS.md, "ML core").
/// </summary>
public static class SftDefaults
{
    public const int Epochs = 40;
    public const double LearningRate = 2e-3;
    public const int BatchSize = 16;
    public const int MaxLen = 256;
    public const int Warmup = 20;
    public const int VocabSize = 512;
    public const double WeightDecay = 0.1;
}
