namespace T1.Ml.Planning;

/// <summary>What the planner assumes where a workflow cannot say (prompt lengths, the process's own memory).</summary>
public sealed record PlanSettings
{
    /// <summary>Assumed tokens of the longest prompt of a batch (chat template included); prompts come from data the planner does not read.</summary>
    public int PromptTokens { get; init; } = 256;

    /// <summary>
    /// Resident memory of a worker process before it holds any model on the CPU: .NET, libtorch, the host
    /// (Hangfire, EF Core). Measured: see bench/RESULTS.md, "Memory plan".
    /// </summary>
    public long CpuRuntimeBytes { get; init; } = DefaultCpuRuntimeBytes;

    /// <summary>CUDA context, kernels and caching-allocator slack on a GPU (an assumption; not measured here).</summary>
    public long CudaRuntimeBytes { get; init; } = 2L << 30;

    /// <summary>What a step's <c>device: auto</c> means to the planner: <c>cpu</c> or <c>cuda</c>.</summary>
    public string AutoDevice { get; init; } = "cpu";

    /// <summary>
    /// The measured CPU baseline (bench/RESULTS.md, "Proof at Qwen2.5-0.5B shape"): a whole `t1 run` of the tiny preset
    /// (synthesize, tokenizer training, sft) peaked at 448 MiB with the compact native heap, 28 MiB of it model terms.
    /// (950 MiB before: measured with glibc's default heap, which kept freed buffers resident.)
    /// </summary>
    public const long DefaultCpuRuntimeBytes = 420L << 20;

    /// <summary>Whether a step's <c>device</c> input puts it on a GPU.</summary>
    public bool IsCuda(string? device)
    {
        var d = string.IsNullOrWhiteSpace(device) || device.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? AutoDevice : device.Trim();
        return d.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
    }
}
