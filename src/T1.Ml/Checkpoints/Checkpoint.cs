using System.Text.Json;
using System.Text.Json.Nodes;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Checkpoints;

/// <summary>
/// A checkpoint is a folder laid out like a Hugging Face Qwen2 model, so either side can read it:
/// <c>config.json</c>, <c>model.safetensors</c> (HF tensor names, in the model's dtype: float32 or bfloat16, named by
/// <c>torch_dtype</c>), the tokenizer files, and
/// optionally <c>trainer_state.json</c> + <c>optimizer.bin</c> (TorchSharp's optimizer format) for resume.
/// <code>
/// Checkpoint.Save(dir, model, tokenizer, new TrainerState { Step = step, DataPosition = pos }, optimizer);
/// var state = Checkpoint.Resume(dir, model, optimizer); // weights, moments and RNG restored; null if none
/// </code>
/// </summary>
public static class Checkpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string ShardIndexFile = "model.safetensors.index.json";
    public const string TrainerStateFile = "trainer_state.json";
    public const string OptimizerFile = "optimizer.bin";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Writes the checkpoint atomically: everything goes to a sibling temporary folder that is renamed
    /// to <paramref name="directory"/> only when complete; an existing checkpoint there is replaced
    /// (moved aside first, deleted last), so a reader never sees a half-written folder.
    /// </summary>
    public static void Save(string directory, DecoderLM model, ITextTokenizer? tokenizer = null,
        TrainerState? state = null, OptimizerHelper? optimizer = null)
    {
        var target = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var tmp = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        try
        {
            File.WriteAllText(Path.Combine(tmp, ConfigFile), model.Config.ToHfJson(eosTokenId: tokenizer?.Special.EndOfText, torchDtype: TorchDtypeName(model.Dtype)));
            Safetensors.Write(Path.Combine(tmp, WeightsFile), model.state_dict(),
                new Dictionary<string, string> { ["t1"] = "DecoderLM" });
            tokenizer?.Save(tmp);
            if (state is not null)
            {
                using var rng = torch.get_rng_state();
                var withRng = state with { RngState = rng.bytes.ToArray() };
                File.WriteAllText(Path.Combine(tmp, TrainerStateFile), JsonSerializer.Serialize(withRng, Json));
            }
            optimizer?.save_state_dict(Path.Combine(tmp, OptimizerFile));
            (optimizer as MasterWeightsAdamW)?.SaveMasters(tmp);
            string? old = null;
            if (Directory.Exists(target))
            {
                old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
            }
            Directory.Move(tmp, target);
            if (old is not null) Directory.Delete(old, recursive: true);
        }
        catch
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            throw;
        }
    }

    /// <summary>Reads the model shape from <c>config.json</c> in <paramref name="directory"/>.</summary>
    public static ModelConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{directory}' is not a checkpoint: {ConfigFile} is missing.", path);
        return ModelConfig.FromHfJson(File.ReadAllText(path), path);
    }

    /// <summary>
    /// Builds the model described by the folder (this platform's or a Hugging Face Qwen2 one, single or
    /// sharded safetensors, any float dtype) on <paramref name="device"/>, with its tokenizer when present.
    /// </summary>
    /// <remarks>
    /// The weights are converted to <paramref name="dtype"/> (float32 when null, whatever <c>torch_dtype</c> the folder
    /// was saved in); a model in bfloat16 saves bfloat16 weights with <c>"torch_dtype": "bfloat16"</c>, as Hugging Face does.
    /// </remarks>
    public static LoadedCheckpoint Load(string directory, Device device, ScalarType? dtype = null)
    {
        var model = DecoderLM.Create(ReadConfig(directory), device, dtype);
        LoadWeights(directory, model);
        ITextTokenizer? tokenizer = HasTokenizer(directory) ? BpeTextTokenizer.Load(directory) : null;
        if (tokenizer is not null && tokenizer.VocabSize > model.Config.VocabSize)
            throw new InvalidDataException($"'{directory}': the tokenizer has {tokenizer.VocabSize} ids but the model only {model.Config.VocabSize}.");
        return new LoadedCheckpoint(model, tokenizer, ReadTrainerState(directory));
    }

    /// <summary>
    /// Copies the folder's weights into <paramref name="model"/>. Every parameter must be present with its
    /// shape; with tied embeddings a stored <c>lm_head.weight</c> is ignored.
    /// </summary>
    public static void LoadWeights(string directory, DecoderLM model)
    {
        var stored = ReadAllWeights(directory);
        try
        {
            var wanted = model.state_dict();
            var missing = wanted.Keys.Where(k => !stored.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"'{directory}': weights missing for {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? $" and {missing.Count - 5} more" : "")}.");
            var ignorable = new HashSet<string> { "lm_head.weight" };
            var unexpected = stored.Keys.Where(k => !wanted.ContainsKey(k) && !ignorable.Contains(k) && !k.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)).ToList();
            if (unexpected.Count > 0)
                throw new InvalidDataException($"'{directory}': unexpected tensors {string.Join(", ", unexpected.Take(5))}; is config.json for this model?");
            using var _ = no_grad();
            foreach (var (name, p) in wanted)
            {
                var t = stored[name];
                if (!t.shape.SequenceEqual(p.shape))
                    throw new InvalidDataException($"'{directory}': '{name}' has shape [{string.Join(", ", t.shape)}], the model expects [{string.Join(", ", p.shape)}].");
                p.copy_(t); // converts dtype and device itself; t.to(…) made an undisposed handle that kept the stored copy until a finaliser ran
            }
        }
        finally
        {
            foreach (var t in stored.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Resume in one line: loads weights into <paramref name="model"/>, optimizer moments into
    /// <paramref name="optimizer"/> (when both it and optimizer.bin exist), restores torch's RNG, and returns
    /// the trainer state — or null (nothing changed) when <paramref name="directory"/> holds no trainer state.
    /// </summary>
    public static TrainerState? Resume(string directory, DecoderLM model, OptimizerHelper? optimizer = null)
    {
        var state = ReadTrainerState(directory);
        if (state is null) return null;
        LoadWeights(directory, model);
        var optPath = Path.Combine(directory, OptimizerFile);
        if (optimizer is not null && File.Exists(optPath)) optimizer.load_state_dict(optPath);
        if (optimizer is MasterWeightsAdamW masters && !masters.TryLoadMasters(directory)) masters.SyncFromModel();
        if (state.RngState is { Length: > 0 } rng)
        {
            using var t = tensor(rng, dtype: ScalarType.Byte);
            torch.set_rng_state(t);
        }
        return state;
    }

    /// <summary>The trainer state in the folder, or null.</summary>
    public static TrainerState? ReadTrainerState(string directory)
    {
        var path = Path.Combine(directory, TrainerStateFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>The Hugging Face <c>torch_dtype</c> name of <paramref name="dtype"/> (float32, bfloat16, float16).</summary>
    public static string TorchDtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => throw new NotSupportedException($"Model weights in {dtype} are not supported; use float32 or bfloat16."),
    };

    private static bool HasTokenizer(string directory) =>
        File.Exists(Path.Combine(directory, "tokenizer.json")) ||
        (File.Exists(Path.Combine(directory, "vocab.json")) && File.Exists(Path.Combine(directory, "merges.txt")));

    private static Dictionary<string, Tensor> ReadAllWeights(string directory)
    {
        var single = Path.Combine(directory, WeightsFile);
        if (File.Exists(single)) return Safetensors.Read(single);
        var index = Path.Combine(directory, ShardIndexFile);
        if (!File.Exists(index))
            throw new FileNotFoundException($"'{directory}' has no weights: expected {WeightsFile} or {ShardIndexFile}.", single);
        var map = JsonNode.Parse(File.ReadAllText(index))?["weight_map"]?.AsObject()
            ?? throw new InvalidDataException($"{index} has no weight_map.");
        var all = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var shard in map.Select(kv => (string)kv.Value!).Distinct())
        {
            foreach (var (k, v) in Safetensors.Read(Path.Combine(directory, shard))) all[k] = v;
        }
        return all;
    }
}

/// <summary>A model built from a checkpoint folder, with its tokenizer and trainer state when present.</summary>
public sealed record LoadedCheckpoint(DecoderLM Model, ITextTokenizer? Tokenizer, TrainerState? TrainerState) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
