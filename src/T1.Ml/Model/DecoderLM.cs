using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Qwen2/Llama decoder-only language model (Hugging Face <c>Qwen2ForCausalLM</c>). Parameter names
/// equal the Hugging Face ones (<c>model.layers.0.self_attn.q_proj.weight</c>, <c>lm_head.weight</c>),
/// so a state dict maps one to one onto a <c>model.safetensors</c>. With tied embeddings there is no
/// <c>lm_head</c> parameter: the logits use <c>model.embed_tokens.weight</c>.
/// </summary>
public sealed class DecoderLM : nn.Module<Tensor, Tensor>
{
    private readonly DecoderStack model;
    private readonly Linear? lm_head;

    /// <summary>Builds a randomly initialised model on the CPU; move it with <see cref="Create"/> or <c>.to(device)</c>.</summary>
    public DecoderLM(ModelConfig config) : base(nameof(DecoderLM))
    {
        Config = config.Validate();
        model = new DecoderStack(config);
        lm_head = config.TieEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        Initialize();
    }

    /// <summary>The shape of this model.</summary>
    public ModelConfig Config { get; }

    /// <summary>
    /// Activation checkpointing: when true, training forwards keep only each layer's input and recompute the
    /// layer in backward (about one extra forward of compute; activation memory L·N·C instead of L·N·(≈14·C + 4·I)).
    /// </summary>
    public bool GradCheckpoint
    {
        get => model.GradCheckpoint;
        set => model.GradCheckpoint = value;
    }

    /// <summary>The device of the parameters; create inputs there.</summary>
    public Device Device => model.EmbedWeight.device;

    /// <summary>Number of distinct parameters (tied embeddings counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>A new model of shape <paramref name="config"/> on <paramref name="device"/>, initialised from torch's global generator.</summary>
    /// <remarks>With <paramref name="dtype"/> (e.g. bfloat16) the weights, rotary tables and KV caches use it; activations follow.</remarks>
    public static DecoderLM Create(ModelConfig config, Device device, ScalarType? dtype = null)
    {
        var m = new DecoderLM(config);
        if (dtype is ScalarType t && t != ScalarType.Float32) m.to(t);
        m.to(device);
        return m;
    }

    /// <summary>
    /// For inference: each layer's q/k/v projections become one matrix multiply, and gate/up another (batch-1 decode
    /// is bound by the number of ops). The parameters keep their names, shapes and values (they become slices of the
    /// fused storage, so memory is not doubled and in-place updates still show); call it after moving the model, as
    /// <c>to(…)</c> makes new parameters and the layers then fall back to separate projections. Idempotent.
    /// </summary>
    public void FuseProjections() => model.Fuse();

    /// <summary>The dtype of the weights (float32 or bfloat16).</summary>
    public ScalarType Dtype => model.EmbedWeight.dtype;

    /// <summary>ids (B, T) int64 → logits (B, T, V): causal, positions 0..T−1. Rows may be right-padded.</summary>
    public override Tensor forward(Tensor ids) => Forward(ids);

    /// <summary>
    /// ids (B, T) → logits (B, T, V), or (B, 1, V) with <paramref name="lastOnly"/>.
    /// <paramref name="cache"/>: continue from cached positions and append this step's keys/values
    /// (inference only). <paramref name="valid"/> (B, T) bool: false marks left padding.
    /// </summary>
    public Tensor Forward(Tensor ids, KvCache? cache = null, Tensor? valid = null, bool lastOnly = false)
    {
        using var scope = NewDisposeScope();
        var x = model.Forward(ids, cache, valid); // (B, T, C)
        if (lastOnly) x = x.narrow(1, x.shape[1] - 1, 1); // (B, 1, C)
        var logits = lm_head is null
            ? nn.functional.linear(x, model.EmbedWeight) // (B, T, V)
            : lm_head.forward(x);                         // (B, T, V)
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ids (B, T) → final hidden states (B, T, C), causal, positions 0..T−1: the input of the output projection
    /// <see cref="OutputWeight"/>, for losses that never hold the whole (B, T, V) logits (see <see cref="TokenLogProbs"/>).
    /// </summary>
    public Tensor Hidden(Tensor ids) => model.Forward(ids, null, null);

    /// <summary>The output projection (V, C): <c>lm_head.weight</c>, or the token embeddings when they are tied.</summary>
    public Tensor OutputWeight => lm_head?.weight ?? model.EmbedWeight;

    /// <summary>An empty KV cache for <paramref name="batch"/> rows and up to <paramref name="capacity"/> positions, on this model's device and in its dtype.</summary>
    public KvCache NewCache(long batch, int capacity) => new(Config, batch, capacity, Device, OutputWeight.dtype);

    /// <summary>Parameters that take weight decay: matrices and embeddings (two or more dimensions), not norms or biases.</summary>
    public IEnumerable<Parameter> DecayParameters() => parameters().Where(p => p.dim() >= 2);

    /// <summary>Norm weights and biases (fewer than two dimensions): no weight decay.</summary>
    public IEnumerable<Parameter> NoDecayParameters() => parameters().Where(p => p.dim() < 2);

    /// <summary>
    /// AdamW over this model with weight decay only on ≥2-D parameters. TorchSharp's default decay is 0
    /// (PyTorch's 0.01), so it is always passed explicitly here.
    /// </summary>
    /// <remarks>
    /// A model in a reduced precision (bfloat16) gets a <see cref="MasterWeightsAdamW"/>: float32 master weights and moments.
    /// Both update one parameter at a time (<see cref="SlicedAdamW"/>), so a step holds nothing parameter-sized beyond them.
    /// </remarks>
    public AdamW CreateAdamW(double lr, double weightDecay = 0.1, double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8)
    {
        if (Dtype != ScalarType.Float32) return MasterWeightsAdamW.Create(this, lr, weightDecay, beta1, beta2, eps);
        var groups = new List<AdamW.ParamGroup>
        {
            new(DecayParameters(), lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weightDecay),
            new(NoDecayParameters(), lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: 0.0),
        };
        return new SlicedAdamW(groups, lr, beta1, beta2, eps, weightDecay);
    }

    /// <summary>GPT-2 / Qwen2 style: N(0, 0.02) for matrices, residual outputs scaled by 1/√(2L); zero biases; unit norms.</summary>
    private void Initialize()
    {
        using var _ = no_grad();
        double std = 0.02, residualStd = 0.02 / Math.Sqrt(2.0 * Config.NumLayers);
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() >= 2)
            {
                bool residual = name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal);
                nn.init.normal_(p, 0.0, residual ? residualStd : std);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                nn.init.zeros_(p);
            }
        }
    }
}
