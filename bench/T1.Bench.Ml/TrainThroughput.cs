using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using T1.Ml.Training;
using TorchSharp;

namespace T1.Bench.Ml;

/// <summary>
/// SFT training tokens/s of the platform (SftTrainer: collate, forward, masked loss, backward, clipping,
/// AdamW, schedule) against the PyTorch twin bench/py/sft_twin.py on the same model shape and batch, in
/// the same run, alternating rounds; MFU = model FLOP/s over the fp32 matmul FLOP/s measured in this process.
/// Every sequence is full length (no padding) and its first quarter is prompt (no loss), on both sides.
/// </summary>
public static class TrainThroughput
{
    public static async Task<int> RunAsync(Args a)
    {
        var preset = a.Str("model", "tiny");
        int vocab = a.Int("vocab-size", preset == "small" ? 4096 : 512);
        int batch = a.Int("batch-size", 16), seq = a.Int("seq", 128), steps = a.Int("steps", 20), warmup = a.Int("warmup", 5);
        int rounds = a.Int("rounds", 3), threads = a.Int("threads", 2);
        var python = a.Str("python", "/usr/bin/python3");
        var twin = a.Str("twin", Path.Combine(RepoRoot(), "bench", "py", "sft_twin.py"));
        var blasThreads = a.Str("openblas-threads", "1");
        a.CheckAllUsed();

        torch.set_num_threads(threads);
        var config = ModelConfig.Preset(preset, vocab) with { MaxPositions = Math.Max(seq + 1, 64) };
        double flopsPerToken = Flops.TrainingPerToken(config, seq);
        Console.WriteLine($"SFT training throughput · model {preset} ({config}) · batch {batch} × seq {seq} · {warmup} warm-up + {steps} measured steps × {rounds} rounds · torch threads {threads}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model FLOPs per token: {flopsPerToken / 1e6:F2} M (6·N with N = {Flops.MatmulParameters(config):N0} matmul parameters, + 12·L·C·T attention)"));

        var platform = new List<double>();
        var pytorch = new List<(double TokensPerSecond, double Matmul)>();
        var matmul = new List<double>();
        for (int r = 1; r <= rounds; r++)
        {
            var (m, size) = Flops.MeasureMatmul();
            matmul.Add(m);
            double tps = await PlatformTokensPerSecond(config, batch, seq, steps, warmup);
            platform.Add(tps);
            var twinResult = RunTwin(python, twin, config, batch, seq, steps, warmup, threads, blasThreads);
            pytorch.Add(twinResult);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {r}: platform {tps,8:F0} tokens/s · PyTorch twin {twinResult.TokensPerSecond,8:F0} tokens/s · fp32 matmul {m / 1e9:F1} GFLOP/s (n={size}; twin's own {twinResult.Matmul / 1e9:F1})"));
        }
        double p = Median(platform), t = Median(pytorch.Select(x => x.TokensPerSecond)), mm = Median(matmul);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT platform {p:F0} tokens/s, PyTorch twin {t:F0} tokens/s: {p / t:F2}× · model {p * flopsPerToken / 1e9:F2} GFLOP/s of {mm / 1e9:F1} GFLOP/s matmul: MFU {100 * p * flopsPerToken / mm:F1}% (twin {100 * t * flopsPerToken / mm:F1}%) · medians of {rounds} rounds"));
        return 0;
    }

    private static async Task<double> PlatformTokensPerSecond(ModelConfig config, int batch, int seq, int steps, int warmup)
    {
        var random = new Random(0);
        var examples = Enumerable.Range(0, batch * (steps + warmup))
            .Select(_ => new EncodedExample(Enumerable.Range(0, seq + 1).Select(_ => random.Next(config.VocabSize)).ToArray(), seq / 4 + 1))
            .ToList();
        torch.manual_seed(0);
        using var model = DecoderLM.Create(config, torch.CPU);
        var options = new SftOptions
        {
            Epochs = 1, BatchSize = batch, MaxLen = seq + 1, WarmupSteps = warmup, LearningRate = 2e-3, SaveEvery = 0, LogEvery = warmup, MaxSteps = warmup + steps,
        };
        var windows = new List<SftMetrics>();
        var dir = Directory.CreateTempSubdirectory("t1-bench-train-").FullName;
        try
        {
            await new SftTrainer(model, new FixedTokenizer(config.VocabSize), options) { OnMetrics = windows.Add }.TrainAsync(new SftData(examples, 0), dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        // Windows after the first are the measured steps: total tokens over total time.
        var measured = windows.Skip(1).ToList();
        double tokensPerWindow = (double)batch * seq * warmup;
        return tokensPerWindow * measured.Count / measured.Sum(w => tokensPerWindow / w.TokensPerSecond);
    }

    private static (double TokensPerSecond, double Matmul) RunTwin(string python, string script, ModelConfig c, int batch, int seq, int steps, int warmup, int threads, string blasThreads)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            script, "--layers", $"{c.NumLayers}", "--hidden", $"{c.HiddenSize}", "--heads", $"{c.NumHeads}", "--kv-heads", $"{c.NumKvHeads}",
            "--intermediate", $"{c.IntermediateSize}", "--vocab", $"{c.VocabSize}", "--batch", $"{batch}", "--seq", $"{seq}",
            "--steps", $"{steps}", "--warmup", $"{warmup}", "--threads", $"{threads}",
        }) info.ArgumentList.Add(arg);
        info.Environment["OPENBLAS_NUM_THREADS"] = blasThreads;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{python} {script} exited {process.ExitCode}: {stderr}");
        var o = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        return ((double)o["tokens_per_s"]!, (double)o["matmul_flops"]!);
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The trainer only needs the pad id and the vocabulary size from a tokenizer here: the data is already ids.</summary>
    private sealed class FixedTokenizer(int vocab) : ITextTokenizer
    {
        public int VocabSize => vocab;
        public SpecialTokenIds Special => new(vocab - 1, vocab - 1, vocab - 2, vocab - 3);
        public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException();
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => throw new NotSupportedException();
        public int? TokenToId(string token) => null;
        public void Save(string directory) { }
    }
}
