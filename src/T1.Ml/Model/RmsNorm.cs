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
        var h = x.to(float32);
        var rms = (h.pow(2).mean([-1], keepdim: true) + _eps).rsqrt();
        return (weight * (h * rms).to(x.dtype)).MoveToOuterDisposeScope();
    }
}
