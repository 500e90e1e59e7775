namespace T1.Ml.Sampling;

/// <summary>Limits of one model's decode loop (section <c>T1:Serving</c>).</summary>
public sealed record DecodeEngineOptions
{
    /// <summary>Rows (choices) decoded together in one step; more wait in the queue.</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>Rows waiting for a place in the batch; beyond it requests are refused (HTTP 429).</summary>
    public int MaxQueued { get; init; } = 256;

    /// <summary>Most prompt tokens prefilled in one step (a long queue joins over several steps, so running rows keep decoding).</summary>
    public int MaxPrefillTokens { get; init; } = 8192;

    /// <summary>
    /// Decode steps of a small float32 model on the CPU run in managed SIMD code (<see cref="CpuDecodeStep"/>) instead of
    /// libtorch's per-op forward; other models, devices and dtypes always use libtorch. False: always libtorch (for A/B runs).
    /// </summary>
    public bool CpuFastPath { get; init; } = true;
}
