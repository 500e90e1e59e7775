using T1.Ml.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// AdamW for a model held in bfloat16: the optimizer keeps a float32 master copy of every parameter and its
/// moments in float32. Backward writes bf16 gradients into the model; <see cref="step"/> updates one master at a time,
/// in slices (<see cref="AdamWSlices"/>: the bf16 gradient widened to float32 slice by slice, the AdamW step on the
/// master, the result copied into the bf16 weight), and drops that parameter's bf16 gradient. Weight decay,
/// learning-rate groups, clipping (on the model's gradients, before <see cref="step"/>) and
/// <c>save_state_dict</c>/<c>load_state_dict</c> behave as for plain AdamW; a checkpoint also stores the masters
/// (<see cref="MastersFile"/>), so a resumed run continues from the exact float32 weights.
/// Memory: 2P (bf16 weights) + 4P (masters) + 8P (moments) + 2P (bf16 gradients, during backward) = 16P; the step adds
/// only one slice's temporaries. (It converted every gradient to a float32 master gradient first and then ran
/// TorchSharp's AdamW.step, which keeps two temporaries of every parameter until the step ends: 26P at the step, and
/// the float32 gradients stayed until a finaliser ran, +4P a step; bench/RESULTS.md.)
/// </summary>
public sealed class MasterWeightsAdamW : SlicedAdamW
{
    /// <summary>File of a checkpoint folder with the float32 master weights (HF parameter names).</summary>
    public const string MastersFile = "master_weights.safetensors";

    private readonly List<(string Name, Parameter Model, Parameter Master)> _pairs;
    private readonly Dictionary<IntPtr, Parameter> _modelOf;

    private MasterWeightsAdamW(List<(string, Parameter, Parameter)> pairs, IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
        _pairs = pairs;
        _modelOf = pairs.ToDictionary(x => x.Item3.Handle, x => x.Item2);
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

    /// <summary>The AdamW step of <paramref name="master"/> with its model weight's bf16 gradient, copied back into that weight.</summary>
    protected override void Update(Parameter master, Options options)
    {
        var model = _modelOf[master.Handle];
        using var grad = model.grad;
        if (grad is null) return;
        AdamWSlices.Step(master, grad, StateOf(master), options, copyTo: model);
        model.grad = null;
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
                master.copy_(t); // copy_ converts; a t.to(…) handle would keep the stored tensor alive until a finaliser ran
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
