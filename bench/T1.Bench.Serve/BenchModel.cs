using System.Text.Json.Nodes;
using T1.Bench.Ml;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using TorchSharp;

namespace T1.Bench.Serve;

/// <summary>
/// The benchmarks' model, random weights, saved as a checkpoint folder: a preset (<c>--model tiny</c>) with a byte-level
/// BPE tokenizer of the preset's vocabulary, or the shape of a Hugging Face config.json (<c>--config
/// bench/plan/qwen2.5-0.5b/config.json</c>, <c>--dtype fp32|bf16</c>) written by <see cref="HfFolder"/>.
/// </summary>
public sealed record BenchModel(string Preset, int Vocab, string ConfigPath, TorchSharp.torch.ScalarType Dtype)
{
    /// <summary>Reads <c>--model</c>, <c>--vocab-size</c>, <c>--config</c> and <c>--dtype</c>.</summary>
    public static BenchModel FromArgs(Args a)
    {
        var preset = a.Str("model", "tiny");
        int vocab = a.Int("vocab-size", 512);
        var config = a.Str("config", "");
        var dtype = HfFolder.ParseDtype(a.Str("dtype", "fp32"));
        if (config.Length == 0 && dtype != torch.ScalarType.Float32) throw new ArgumentException("--dtype applies to a --config model; presets are fp32");
        return new BenchModel(preset, vocab, config, dtype);
    }

    /// <summary>What the model is, for the report's first line.</summary>
    public string Describe() => ConfigPath.Length == 0 ? $"{Preset} (vocab {Vocab}, random weights)" : $"{ConfigPath}'s shape ({Dtype}, random weights)";

    /// <summary>The serving dtype setting (<c>T1:Serving:Dtype</c>) that keeps the model's own dtype.</summary>
    public string ServingDtype => Dtype == torch.ScalarType.BFloat16 ? "bf16" : "fp32";

    /// <summary>Writes the folder to <paramref name="directory"/> and returns it.</summary>
    public string Save(string directory)
    {
        if (ConfigPath.Length == 0) return Save(Preset, Vocab, directory);
        var config = ModelConfig.FromHfJson(File.ReadAllText(ConfigPath), ConfigPath);
        Console.WriteLine(HfFolder.Write(config, directory, Dtype));
        FillVocabulary(directory, config.VocabSize);
        return directory;
    }

    public static string Save(string preset, int vocab, string directory)
    {
        var corpus = Enumerable.Range(0, 400).Select(i => $"Compute {i % 37}+{i % 11}.\n<think>\nTry: {i % 37}+{i % 11}={i % 37 + i % 11}.\n</think>\nFinal answer: \\boxed{{{i % 37 + i % 11}}}");
        var tok = BpeTrainer.Train(corpus, vocabSize: vocab);
        torch.manual_seed(0);
        using var model = DecoderLM.Create(ModelConfig.Preset(preset, Math.Max(vocab, tok.VocabSize)), torch.CPU);
        Checkpoint.Save(directory, model, tok);
        return directory;
    }

    /// <summary>
    /// Gives every id below the first added token a vocabulary entry (<c>Ġt1234</c>, text " t1234"), as a real
    /// Qwen2.5 tokenizer's 151 643 BPE tokens do: the synthetic tokenizer learns only a couple of thousand, and a
    /// random model draws from the whole vocabulary, so without this almost every token would decode to nothing and
    /// the stream would carry almost no chunks — neither the per-token streaming cost nor the first token would be
    /// measured. The added entries have no merges: encoding never produces them, decoding spells them.
    /// </summary>
    private static void FillVocabulary(string directory, int modelVocab)
    {
        var path = Path.Combine(directory, "tokenizer.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var vocab = root["model"]!["vocab"]!.AsObject();
        var used = vocab.Select(kv => (int)kv.Value!).Concat(root["added_tokens"]!.AsArray().Select(t => (int)t!["id"]!)).ToHashSet();
        int end = Math.Min(modelVocab, Qwen2StyleTokenizer.QwenFirstAddedId);
        for (int id = 0; id < end; id++)
            if (!used.Contains(id) && !vocab.ContainsKey($"Ġt{id}")) vocab[$"Ġt{id}"] = id;
        File.WriteAllText(path, root.ToJsonString());
        File.Delete(Path.Combine(directory, "vocab.json")); // tokenizer.json is what loads; the unfilled slow-tokenizer files would disagree
        File.Delete(Path.Combine(directory, "merges.txt"));
    }
}
