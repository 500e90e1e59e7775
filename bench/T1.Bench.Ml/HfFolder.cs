using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using static TorchSharp.torch;

namespace T1.Bench.Ml;

/// <summary>
/// Writes a Hugging Face Qwen2 folder with random weights in the shape of a config.json (e.g. Qwen2.5-0.5B's)
/// and a Qwen2-family tokenizer trained on the MATH500 problems and solutions in data/benchmarks — a stand-in
/// for a downloaded checkpoint in memory and speed benchmarks:
/// <code>
/// dotnet run -c Release --project bench/T1.Bench.Ml -- hf-folder --config bench/plan/qwen2.5-0.5b/config.json --out /tmp/qwen05 --dtype bf16
/// </code>
/// The tokenizer's added tokens take Qwen2.5's ids (151 643…) when the vocabulary is that large, so prompts
/// are ChatML with the real special-token ids.
/// </summary>
public static class HfFolder
{
    public static Task<int> RunAsync(Args a)
    {
        var configPath = a.Str("config", "");
        var output = a.Str("out", "");
        var dtype = ParseDtype(a.Str("dtype", "bf16"));
        int seed = a.Int("seed", 0), bpeVocab = a.Int("bpe-vocab", 2048);
        var corpusPath = a.Str("corpus", Path.Combine("data", "benchmarks", "math500.jsonl"));
        a.CheckAllUsed();
        if (configPath.Length == 0 || output.Length == 0) throw new ArgumentException("hf-folder needs --config CONFIG.json and --out FOLDER");
        Console.WriteLine(Write(ModelConfig.FromHfJson(File.ReadAllText(configPath), configPath), output, dtype, seed, bpeVocab, corpusPath));
        return Task.FromResult(0);
    }

    /// <summary><c>--dtype</c>: bf16 / bfloat16 or fp32 / float32.</summary>
    public static ScalarType ParseDtype(string value) => value switch
    {
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp32" or "float32" => ScalarType.Float32,
        var other => throw new ArgumentException($"--dtype must be bf16 or fp32, got '{other}'"),
    };

    /// <summary>Writes the folder (random weights of <paramref name="config"/>'s shape, the tokenizer) and returns a line saying what it wrote.</summary>
    public static string Write(ModelConfig config, string output, ScalarType dtype, int seed = 0, int bpeVocab = 2048, string? corpusPath = null)
    {
        corpusPath ??= Path.Combine("data", "benchmarks", "math500.jsonl");
        var clock = Stopwatch.StartNew();
        var corpus = File.ReadLines(corpusPath).Select(line => JsonDocument.Parse(line).RootElement)
            .SelectMany(e => e.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!)).ToList();
        int? first = config.VocabSize > Qwen2StyleTokenizer.QwenFirstAddedId + 16 ? Qwen2StyleTokenizer.QwenFirstAddedId : null;
        var tokenizer = Qwen2StyleTokenizer.Create(corpus, bpeVocab, first);
        SyntheticHfModel.Write(output, config, new SyntheticWeights { Seed = seed, Dtype = dtype }, tokenizer);
        long bytes = new DirectoryInfo(output).GetFiles().Sum(f => f.Length);
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {config} · {SyntheticHfModel.Layout(config).Sum(e => e.Shape.Aggregate(1L, (x, d) => x * d)):N0} parameters, {dtype}, " +
            $"tokenizer {tokenizer.VocabSize} ids ({tokenizer.Chat}) · {bytes / 1e6:F0} MB in {clock.Elapsed.TotalSeconds:F0} s");
    }
}
