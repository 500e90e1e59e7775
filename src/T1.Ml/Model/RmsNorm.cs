using T1.Ml.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>RMSNorm as in Qwen2/Llama: x / sqrt(mean(x²) + ε) · weight, computed in float32.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) // (..., C) -> (..., C)
    {
        using var scope = NewDisposeScope();
        // Casts only when needed: a float32 model then runs 6 ops, not 8 (batch-1 decode pays per op).
        var h = x.dtype == float32 ? x : x.to(float32);
        var rms = h.Squared().mean([-1], keepdim: true).Plus(_eps).rsqrt(); // (..., 1)
        var normed = h * rms;
        return (weight * (x.dtype == float32 ? normed : normed.to(x.dtype))).MoveToOuterDisposeScope();
    }
}
