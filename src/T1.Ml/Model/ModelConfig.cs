using System.Globalization;
using System.Text.Json.Nodes;

namespace T1.Ml.Model;

/// <summary>
/// Shape of a Qwen2/Llama-style decoder LM. Immutable; <see cref="Validate"/> is called by the model.
/// Reads and writes Hugging Face <c>config.json</c> keys (see <see cref="FromHfJson"/>).
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Rows of the embedding and columns of the logits; at least the tokenizer's VocabSize (HF: vocab_size).</summary>
    public int VocabSize { get; init; }

    /// <summary>Width C of the residual stream (HF: hidden_size). Must be NumHeads × head dim.</summary>
    public int HiddenSize { get; init; }

    /// <summary>Number of decoder blocks (HF: num_hidden_layers).</summary>
    public int NumLayers { get; init; }

    /// <summary>Query heads per attention layer (HF: num_attention_heads).</summary>
    public int NumHeads { get; init; }

    /// <summary>Key/value heads, shared by groups of query heads (grouped-query attention); divides NumHeads (HF: num_key_value_heads).</summary>
    public int NumKvHeads { get; init; }

    /// <summary>Hidden width of the SwiGLU MLP (HF: intermediate_size).</summary>
    public int IntermediateSize { get; init; }

    /// <summary>Base θ of the rotary position frequencies (HF: rope_theta).</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>ε added to the mean square in RMSNorm (HF: rms_norm_eps).</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Longest sequence (prompt + generation) the rotary table and KV cache cover (HF: max_position_embeddings).</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>When true the output projection reuses the token embedding matrix (HF: tie_word_embeddings).</summary>
    public bool TieEmbeddings { get; init; } = true;

    /// <summary>
    /// Scaled rotary positions (HF: rope_scaling; null in Qwen2.5's shipped configs, yarn in its long-context
    /// setting). With scaling, <see cref="MaxPositions"/> covers factor × the original context.
    /// </summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Whether q/k/v projections have biases: true for Qwen2, false for Llama (HF: attention_bias, implied by model_type).</summary>
    public bool AttentionBias { get; init; } = true;

    /// <summary>Per-head width D = HiddenSize / NumHeads.</summary>
    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>~1 M parameters at vocabulary 512: the CPU demo model.</summary>
    public static ModelConfig Tiny(int vocabSize = 512) => new()
    {
        VocabSize = vocabSize, HiddenSize = 128, NumLayers = 4, NumHeads = 4, NumKvHeads = 2,
        IntermediateSize = 512, MaxPositions = 512, TieEmbeddings = true,
    };

    /// <summary>~14 M parameters at vocabulary 4096.</summary>
    public static ModelConfig Small(int vocabSize = 4096) => new()
    {
        VocabSize = vocabSize, HiddenSize = 384, NumLayers = 8, NumHeads = 6, NumKvHeads = 2,
        IntermediateSize = 1024, MaxPositions = 1024, TieEmbeddings = true,
    };

    /// <summary>A preset by name (<c>tiny</c>, <c>small</c>).</summary>
    public static ModelConfig Preset(string name, int vocabSize) => name.Trim().ToLowerInvariant() switch
    {
        "tiny" => Tiny(vocabSize),
        "small" => Small(vocabSize),
        _ => throw new ArgumentException($"Unknown model preset '{name}'. Use tiny or small, or a checkpoint folder.", nameof(name)),
    };

    /// <summary>Throws with the offending field when the shape is inconsistent.</summary>
    public ModelConfig Validate()
    {
        void Positive(int v, string n)
        {
            if (v <= 0) throw new ArgumentException($"Model config: {n} must be positive, got {v}.");
        }
        Positive(VocabSize, nameof(VocabSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumLayers, nameof(NumLayers));
        Positive(NumHeads, nameof(NumHeads));
        Positive(NumKvHeads, nameof(NumKvHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(MaxPositions, nameof(MaxPositions));
        if (HiddenSize % NumHeads != 0 || HeadDim % 2 != 0)
            throw new ArgumentException($"Model config: HiddenSize {HiddenSize} must be NumHeads {NumHeads} × an even head dim.");
        if (NumHeads % NumKvHeads != 0)
            throw new ArgumentException($"Model config: NumKvHeads {NumKvHeads} must divide NumHeads {NumHeads}.");
        return this;
    }

    /// <summary>
    /// Reads a Hugging Face Qwen2 (or Llama) <c>config.json</c>; <paramref name="file"/> names it in errors.
    /// Unknown keys are ignored; a missing required key, or a setting the model would have to ignore
    /// (an unsupported rope_scaling, sliding-window attention, an activation other than SiLU), is an error
    /// naming the file, the key and its value.
    /// </summary>
    public static ModelConfig FromHfJson(string json, string file = "config.json")
    {
        var o = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException($"{file} is empty.");
        int Req(string key) => (int?)o[key] ?? throw new FormatException($"{file}: missing '{key}'.");
        var type = (string?)o["model_type"] ?? "qwen2";
        if (type is not ("qwen2" or "llama"))
            throw new FormatException($"{file}: model_type '{type}' is not supported; use qwen2 or llama.");
        if ((string?)o["hidden_act"] is { } act && act != "silu")
            throw new FormatException($"{file}: hidden_act '{act}' is not supported; the MLP is SwiGLU with silu.");
        if ((bool?)o["use_sliding_window"] == true)
            throw new FormatException($"{file}: use_sliding_window is true; sliding-window attention is not implemented (Qwen2.5 ships it off). Set it to false to attend over the whole context.");
        int heads = Req("num_attention_heads");
        int maxPositions = (int?)o["max_position_embeddings"] ?? 2048;
        var scaling = RopeScaling.FromHfJson(o["rope_scaling"], maxPositions, file);
        var cfg = new ModelConfig
        {
            VocabSize = Req("vocab_size"),
            HiddenSize = Req("hidden_size"),
            NumLayers = Req("num_hidden_layers"),
            NumHeads = heads,
            NumKvHeads = (int?)o["num_key_value_heads"] ?? heads,
            IntermediateSize = Req("intermediate_size"),
            RopeTheta = (double?)o["rope_theta"] ?? 10000.0,
            RmsNormEps = (double?)o["rms_norm_eps"] ?? 1e-6,
            MaxPositions = scaling is null ? maxPositions : Math.Max(maxPositions, scaling.ScaledPositions(maxPositions)),
            RopeScaling = scaling,
            TieEmbeddings = (bool?)o["tie_word_embeddings"] ?? false,
            AttentionBias = (bool?)o["attention_bias"] ?? type == "qwen2",
        };
        if (o["head_dim"] is JsonNode hd && (int)hd != cfg.HeadDim)
            throw new FormatException($"{file}: head_dim {(int)hd} differs from hidden_size/num_attention_heads = {cfg.HeadDim}; not supported.");
        return cfg.Validate();
    }

    /// <summary>This shape as a Hugging Face Qwen2 <c>config.json</c>; <paramref name="torchDtype"/> names the stored weights' dtype (HF convention).</summary>
    public string ToHfJson(int? eosTokenId = null, int? bosTokenId = null, string torchDtype = "float32")
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("Qwen2ForCausalLM"),
            ["model_type"] = "qwen2",
            ["hidden_act"] = "silu",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumLayers,
            ["num_attention_heads"] = NumHeads,
            ["num_key_value_heads"] = NumKvHeads,
            ["intermediate_size"] = IntermediateSize,
            ["rope_theta"] = RopeTheta,
            ["rope_scaling"] = RopeScaling?.ToHfJson(),
            ["rms_norm_eps"] = RmsNormEps,
            ["max_position_embeddings"] = MaxPositions,
            ["tie_word_embeddings"] = TieEmbeddings,
            ["attention_bias"] = AttentionBias,
            ["use_sliding_window"] = false,
            ["torch_dtype"] = torchDtype,
            ["initializer_range"] = 0.02,
        };
        if (eosTokenId is int e) o["eos_token_id"] = e;
        if (bosTokenId is int b) o["bos_token_id"] = b;
        return o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"vocab {VocabSize}, C {HiddenSize}, L {NumLayers}, H {NumHeads}/{NumKvHeads}, I {IntermediateSize}, T≤{MaxPositions}, tied {TieEmbeddings}");
}
