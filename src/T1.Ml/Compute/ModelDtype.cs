using static TorchSharp.torch;

namespace T1.Ml.Compute;

/// <summary>
/// The <c>dtype</c> input of the ML steps: <c>fp32</c> (float32 weights and activations) or <c>bf16</c> (bfloat16
/// weights and activations, float32 master weights and AdamW moments when training, bfloat16 checkpoints). On CPUs
/// without bf16 instructions bf16 halves memory but multiplies slower than fp32; on CUDA it is the fast path.
/// </summary>
public static class ModelDtype
{
    public const string Fp32 = "fp32";
    public const string Bf16 = "bf16";

    /// <summary>fp32 → Float32, bf16 → BFloat16 (also float32/bfloat16).</summary>
    public static ScalarType Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        Fp32 or "float32" => ScalarType.Float32,
        Bf16 or "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"dtype '{name}' is not supported; use {Fp32} or {Bf16}."),
    };
}
