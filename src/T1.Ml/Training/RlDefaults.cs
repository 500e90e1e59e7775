namespace T1.Ml.Training;

/// <summary>
/// Defaults of <see cref="RlOptions"/> and of the <c>rl</c> step's inputs, in one place. They follow the T1
/// paper where a tiny CPU model can afford it (K = 16 instead of 64, temperature 1.2) and veRL/DAPO for the
/// PPO-style parts (one on-policy pass, clip-higher 0.2/0.28, token-level loss). The tiny demo overrides some
/// of them from workflows/t1-tiny.yaml (see bench/RESULTS.md).
/// </summary>
public static class RlDefaults
{
    public const int Steps = 100;
    public const int PromptsPerStep = 8;
    public const int SamplesPerPrompt = 16;
    public const double Temperature = 1.2;
    public const double TopP = 1.0;
    public const int MaxNewTokens = 256;
    public const double Lr = 3e-4;
    public const int WarmupSteps = 5;
    public const double WeightDecay = 0.0;
    public const double GradClip = 1.0;
    public const double EntropyCoef = 0.001;
    public const double KlCoef = 0.02;
    public const string KlEstimator = "k2";
    public const double AnchorEma = 0.9;
    public const int AnchorEvery = 5;
    public const int PpoEpochs = 1;
    public const int Minibatches = 1;
    public const double ClipLow = 0.2;
    public const double ClipHigh = 0.28;
    public const string LossAgg = "token";
    public const bool FilterGroups = false;
    public const int FilterMaxRounds = 4;
    public const double OverlongPenalty = -1.0;
    public const int RepetitionNgram = 24;
    public const int RepetitionRepeats = 3;
    public const int MicroBatch = 64;
    public const int RolloutBatch = 256;
    public const int MaxBatchTokens = 262_144;
    public const int SaveEvery = 10;
    public const double AlarmEntropyMin = 0.005;
    public const double AlarmKlMax = 1.0;
    public const double AlarmOverlongMax = 0.9;
    public const int AlarmPatience = 3;
}
