using T1.Ml.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// AdamW for a model held in bfloat16: the optimizer keeps a float32 master copy of every parameter and its
/// moments in float32. Backward writes bf16 gradients into the model; <see cref="step"/> turns them, one tensor at
/// a time, into float32 gradients of the masters (dropping the bf16 ones), takes the AdamW step on the masters and
/// copies them back into the bf16 weights. Weight decay, learning-rate groups, clipping (on the model's gradients,
/// before <see cref="step"/>) and <c>save_state_dict</c>/<c>load_state_dict</c> behave as for plain AdamW; a
/// checkpoint also stores the masters (<see cref="MastersFile"/>), so a resumed run continues from the exact
/// float32 weights. Memory: 2P (bf16 weights) + 4P (masters) + 8P (moments) + 2P bf16 or 4P fp32 gradients.
/// </summary>
public sealed class MasterWeightsAdamW : AdamW
{
    /// <summary>File of a checkpoint folder with the float32 master weights (HF parameter names).</summary>
    public const string MastersFile = "master_weights.safetensors";

    private readonly List<(string Name, Parameter Model, Parameter Master)> _pairs;

    private MasterWeightsAdamW(List<(string, Parameter, Parameter)> pairs, IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
        _pairs = pairs;
    }

    /// <summary>Masters are created from <paramref name="model"/>'s current weights; decay only on ≥2-D parameters.</summary>
    public static MasterWeightsAdamW Create(DecoderLM model, double lr, double weightDecay, double beta1, double beta2, double eps)
    {
        var pairs = new List<(string, Parameter, Parameter)>();
        // One float32 copy a parameter. (It was to(float32).clone(): two copies, the first left to a finaliser, so at
        // Qwen2.5-0.5B's shape creating the masters briefly held 4 GB instead of 2 GB; bench/RESULTS.md.)
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (var (name, p) in model.named_parameters())
                pairs.Add((name, p, new Parameter(p.detach().to(float32, copy: true).DetachFromDisposeScope(), requires_grad: true)));
        }
        var groups = new List<ParamGroup>
        {
            new(pairs.Where(x => x.Item2.dim() >= 2).Select(x => x.Item3), lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weightDecay),
            new(pairs.Where(x => x.Item2.dim() < 2).Select(x => x.Item3), lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: 0.0),
        };
        return new MasterWeightsAdamW(pairs, groups, lr, beta1, beta2, eps, weightDecay);
    }

    /// <summary>Float32 gradients of the masters from the model's, one AdamW step, masters copied into the model.</summary>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        using (no_grad())
        {
            foreach (var (_, model, master) in _pairs)
            {
                using var g = model.grad;
                if (g is null) continue;
                master.grad = g.to(float32);
                model.grad = null;
            }
        }
        var result = base.step(closure);
        using (no_grad())
        {
            foreach (var (_, model, master) in _pairs)
            {
                model.copy_(master);
                master.grad = null;
            }
        }
        return result;
    }

    /// <summary>Drops the gradients of the model and of the masters.</summary>
    public override void zero_grad()
    {
        foreach (var (_, model, master) in _pairs)
        {
            model.grad = null;
            master.grad = null;
        }
    }

    /// <summary>Sets the masters to the model's current weights (after weights were loaded into the model).</summary>
    public void SyncFromModel()
    {
        using var _ = no_grad();
        foreach (var (_, model, master) in _pairs) master.copy_(model);
    }

    /// <summary>Writes the masters into <paramref name="directory"/> (<see cref="MastersFile"/>).</summary>
    public void SaveMasters(string directory) =>
        Safetensors.Write(Path.Combine(directory, MastersFile), _pairs.ToDictionary(x => x.Name, x => (Tensor)x.Master));

    /// <summary>Reads the masters saved by <see cref="SaveMasters"/> and copies them into the model; false when the folder has none.</summary>
    public bool TryLoadMasters(string directory)
    {
        var path = Path.Combine(directory, MastersFile);
        if (!File.Exists(path)) return false;
        var stored = Safetensors.Read(path);
        try
        {
            using var _ = no_grad();
            foreach (var (name, model, master) in _pairs)
            {
                if (!stored.TryGetValue(name, out var t))
                    throw new InvalidDataException($"'{path}' has no master weight '{name}'; the checkpoint does not belong to this model.");
                master.copy_(t.to(float32, master.device));
                model.copy_(master);
            }
        }
        finally
        {
            foreach (var t in stored.Values) t.Dispose();
        }
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) foreach (var (_, _, master) in _pairs) master.Dispose();
    }
}
