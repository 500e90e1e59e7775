using static TorchSharp.torch;

namespace T1.Ml.Checkpoints;

/// <summary>How <see cref="SyntheticHfModel"/> draws weights. Defaults follow Hugging Face's Qwen2 initialisation (initializer_range 0.02).</summary>
public sealed record SyntheticWeights
{
    /// <summary>Seed of every tensor's generator; the same seed writes the same bytes.</summary>
    public int Seed { get; init; }

    /// <summary>Stored dtype (config.json's torch_dtype): Float32, BFloat16 (as Qwen2.5 ships) or Float16.</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Standard deviation of matrices and embeddings (normal, mean 0).</summary>
    public double Std { get; init; } = 0.02;

    /// <summary>Standard deviation of the q/k/v biases (0: zeros, as a fresh model has).</summary>
    public double BiasStd { get; init; }

    /// <summary>RMSNorm weights are 1 + this × N(0, 1) (0: ones).</summary>
    public double NormJitter { get; init; }
}
