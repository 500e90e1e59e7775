using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// SwiGLU feed-forward: down(silu(gate(x)) · up(x)), no biases (Qwen2/Llama). After <see cref="Fuse"/> gate and up
/// come from one matrix multiply (<see cref="FusedWeight"/>).
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear gate_proj;
    private readonly Linear up_proj;
    private readonly Linear down_proj;
    private FusedWeight? _gateUp; // (2·I, C)

    public Mlp(ModelConfig c) : base(nameof(Mlp))
    {
        gate_proj = nn.Linear(c.HiddenSize, c.IntermediateSize, hasBias: false);
        up_proj = nn.Linear(c.HiddenSize, c.IntermediateSize, hasBias: false);
        down_proj = nn.Linear(c.IntermediateSize, c.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Fuses the gate and up projections for inference (see <see cref="FusedWeight"/>); idempotent.</summary>
    internal void Fuse()
    {
        if (Fused) return;
        _gateUp?.Dispose();
        _gateUp = FusedWeight.Create(gate_proj.weight!, up_proj.weight!);
    }

    private bool Fused => _gateUp is not null && _gateUp.Holds(gate_proj.weight, up_proj.weight);

    public override Tensor forward(Tensor x) // (B, T, C) -> (B, T, C)
    {
        using var scope = NewDisposeScope();
        Tensor h;
        if (Fused)
        {
            var gateUp = nn.functional.linear(x, _gateUp!.Tensor).chunk(2, -1); // 2 × (B, T, I)
            h = nn.functional.silu(gateUp[0]) * gateUp[1];                     // (B, T, I)
        }
        else
        {
            h = nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x); // (B, T, I)
        }
        return down_proj.forward(h).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gateUp?.Dispose();
        base.Dispose(disposing);
    }
}
