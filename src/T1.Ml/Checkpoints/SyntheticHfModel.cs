using System.Globalization;
using System.Text.Json.Nodes;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Checkpoints;

/// <summary>
/// Writes a Hugging Face Qwen2 model folder with random weights — config.json, model.safetensors and,
/// when given, the tokenizer files (e.g. <see cref="Qwen2StyleTokenizer"/>) — for tests and benchmarks
/// that need a model of a real checkpoint's shape (Qwen2.5-0.5B: 24 layers, hidden 896, …) without
/// downloading one. Weights are written one tensor at a time, so the writer needs about one tensor's
/// memory, not the model's; the same seed gives the same file.
/// <code>
/// SyntheticHfModel.Write(dir, config, new SyntheticWeights { Seed = 1, Dtype = ScalarType.BFloat16 }, Qwen2StyleTokenizer.Create(corpus));
/// </code>
/// </summary>
public static class SyntheticHfModel
{
    /// <summary>Writes the folder (created when missing; files in it are replaced).</summary>
    public static void Write(string directory, ModelConfig config, SyntheticWeights? weights = null, ITextTokenizer? tokenizer = null)
    {
        weights ??= new SyntheticWeights();
        config.Validate();
        if (tokenizer is not null && tokenizer.VocabSize > config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary is {config.VocabSize}.", nameof(tokenizer));
        Directory.CreateDirectory(directory);
        var json = JsonNode.Parse(config.ToHfJson(eosTokenId: tokenizer?.Special.EndOfText))!.AsObject();
        json["torch_dtype"] = Checkpoint.TorchDtypeName(weights.Dtype);
        File.WriteAllText(Path.Combine(directory, Checkpoint.ConfigFile), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var layout = Layout(config, weights.Dtype);
        var index = layout.Select((e, i) => (e.Name, i)).ToDictionary(x => x.Name, x => x.i);
        Safetensors.Write(Path.Combine(directory, Checkpoint.WeightsFile), layout,
            name => Make(name, layout[index[name]].Shape, weights, index[name]),
            new Dictionary<string, string> { ["t1"] = "synthetic", ["seed"] = weights.Seed.ToString(CultureInfo.InvariantCulture) });
        tokenizer?.Save(directory);
    }

    /// <summary>
    /// Every tensor of a Qwen2ForCausalLM of shape <paramref name="config"/> with its Hugging Face name and
    /// shape — the names and shapes of <see cref="DecoderLM"/>'s state dict (no <c>lm_head.weight</c> when
    /// embeddings are tied).
    /// </summary>
    public static IReadOnlyList<(string Name, ScalarType Dtype, long[] Shape)> Layout(ModelConfig config, ScalarType dtype = ScalarType.Float32)
    {
        long c = config.HiddenSize, kv = config.NumKvHeads * config.HeadDim, q = config.NumHeads * config.HeadDim, i = config.IntermediateSize;
        var list = new List<(string, ScalarType, long[])> { ("model.embed_tokens.weight", dtype, [config.VocabSize, c]), ("model.norm.weight", dtype, [c]) };
        if (!config.TieEmbeddings) list.Add(("lm_head.weight", dtype, [config.VocabSize, c]));
        for (int l = 0; l < config.NumLayers; l++)
        {
            var p = $"model.layers.{l}.";
            list.Add((p + "input_layernorm.weight", dtype, [c]));
            list.Add((p + "post_attention_layernorm.weight", dtype, [c]));
            list.Add((p + "self_attn.q_proj.weight", dtype, [q, c]));
            list.Add((p + "self_attn.k_proj.weight", dtype, [kv, c]));
            list.Add((p + "self_attn.v_proj.weight", dtype, [kv, c]));
            list.Add((p + "self_attn.o_proj.weight", dtype, [c, q]));
            if (config.AttentionBias)
            {
                list.Add((p + "self_attn.q_proj.bias", dtype, [q]));
                list.Add((p + "self_attn.k_proj.bias", dtype, [kv]));
                list.Add((p + "self_attn.v_proj.bias", dtype, [kv]));
            }
            list.Add((p + "mlp.gate_proj.weight", dtype, [i, c]));
            list.Add((p + "mlp.up_proj.weight", dtype, [i, c]));
            list.Add((p + "mlp.down_proj.weight", dtype, [c, i]));
        }
        return list;
    }

    private static Tensor Make(string name, long[] shape, SyntheticWeights w, int ordinal)
    {
        using var scope = NewDisposeScope();
        // One generator per tensor, seeded from the file's seed and the tensor's place: reproducible, independent of torch's global RNG.
        using var g = new Generator((ulong)w.Seed * 1_000_003UL + (ulong)ordinal);
        Tensor t;
        if (name.EndsWith("norm.weight", StringComparison.Ordinal))
            t = 1.0 + w.NormJitter * randn(shape, generator: g);
        else if (name.EndsWith(".bias", StringComparison.Ordinal))
            t = w.BiasStd * randn(shape, generator: g);
        else
            t = w.Std * randn(shape, generator: g);
        return t.to(w.Dtype).MoveToOuterDisposeScope();
    }
}
