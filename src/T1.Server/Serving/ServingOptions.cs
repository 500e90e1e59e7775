namespace T1.Server.Serving;

/// <summary>The OpenAI-compatible model API under <c>/v1</c> (section <c>T1:Serving</c>).</summary>
public sealed class ServingOptions
{
    /// <summary>Where served models run: <c>auto</c> (CUDA when present), <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Weights precision: fp32 or bf16.</summary>
    public string Dtype { get; set; } = "fp32";

    /// <summary>Model versions kept loaded at once; the least recently used idle one is unloaded to make room.</summary>
    public int MaxLoadedModels { get; set; } = 2;

    /// <summary>Rows (choices) one model decodes together.</summary>
    public int MaxBatch { get; set; } = 32;

    /// <summary>Choices waiting per model before requests are refused with 429.</summary>
    public int MaxQueued { get; set; } = 256;

    /// <summary>
    /// Decode steps of a small fp32 model (at most 16 M parameters) served on the CPU run in managed SIMD code instead
    /// of libtorch op by op (same tokens, several times the tokens/s at batch 1); false keeps libtorch for every model.
    /// </summary>
    public bool CpuFastPath { get; set; } = true;

    /// <summary>Largest request body in bytes (a longer prompt is refused with 413).</summary>
    public int MaxRequestBytes { get; set; } = 1 << 20;
}
