using System.Diagnostics;
using System.Globalization;
using T1.Bench.Ml;
using T1.Ml.Checkpoints;
using T1.Ml.Sampling;
using TorchSharp;

namespace T1.Bench.Serve;

/// <summary>
/// Batch-1 decode of a preset (random weights, greedy, no early stop): tokens/s of the <see cref="Sampler"/> and of
/// the serving <see cref="DecodeEngine"/>, against the compute limit = measured fp32 matmul FLOP/s ÷ forward FLOPs
/// per token (2 × matmul parameters + attention over the cache). The ratio is how far decode is from the limit.
/// </summary>
public static class DecodeSpeed
{
    public static int Run(Args a)
    {
        var preset = a.Str("model", "tiny");
        int vocab = a.Int("vocab-size", 512), tokens = a.Int("tokens", 256), prompt = a.Int("prompt", 32), threads = a.Int("threads", 1);
        a.CheckAllUsed();
        torch.set_num_threads(threads);
        var dir = Directory.CreateTempSubdirectory("t1-bench-decode-").FullName;
        using var loaded = Checkpoint.Load(BenchModel.Save(preset, vocab, dir), torch.CPU);
        var model = loaded.Model;
        var c = model.Config;
        var ids = Enumerable.Range(0, prompt).Select(i => (i * 7 + 3) % c.VocabSize).ToList();

        var sampler = new Sampler(model, loaded.Tokenizer);
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = tokens, StopAtEndOfText = false };
        sampler.Generate([ids], options with { MaxNewTokens = 16 }); // warm-up
        var clock = Stopwatch.StartNew();
        sampler.Generate([ids], options);
        double samplerRate = tokens / clock.Elapsed.TotalSeconds;

        using var engine = new DecodeEngine(model, loaded.Tokenizer!, new DecodeEngineOptions(), "bench");
        Drain(engine, ids, 16);
        clock.Restart();
        Drain(engine, ids, tokens);
        double engineRate = tokens / clock.Elapsed.TotalSeconds;

        var (flops, size) = Flops.MeasureMatmul();
        double opMicros = SmallOpMicroseconds();
        double perToken = 2.0 * Flops.MatmulParameters(c) + 4.0 * c.NumLayers * c.HiddenSize * (prompt + tokens / 2.0);
        double limit = flops / perToken;
        Console.WriteLine($"Batch-1 decode · model {preset} ({c}) · prompt {prompt} + {tokens} tokens, greedy · torch threads {threads}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {perToken / 1e6:F2} MFLOP/token · matmul {flops / 1e9:F0} GFLOP/s ({size}³) → limit {limit:F0} tokens/s · Sampler {samplerRate:F0} tokens/s ({limit / samplerRate:F0}× below) · serving engine {engineRate:F0} tokens/s ({limit / engineRate:F0}× below)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT one small tensor op (add of two (1, {c.HiddenSize}) tensors in a dispose scope) costs {opMicros:F1} µs: a Sampler token takes the time of {1e6 / samplerRate / opMicros:F0} such ops, an engine token {1e6 / engineRate / opMicros:F0}"));
        try { Directory.Delete(dir, true); } catch (IOException) { }
        return 0;
    }

    /// <summary>The fixed cost of one TorchSharp op on a tiny tensor (call, result handle, dispose scope): what bounds batch-1 decode of a small model.</summary>
    private static double SmallOpMicroseconds(int ops = 20000)
    {
        using var outer = torch.NewDisposeScope();
        var a = torch.randn(1, 128);
        var b = torch.randn(1, 128);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < ops; i += 100)
        {
            using var scope = torch.NewDisposeScope();
            for (int j = 0; j < 100; j++) _ = a.add(b);
        }
        return clock.Elapsed.TotalMicroseconds / ops;
    }

    private static void Drain(DecodeEngine engine, IReadOnlyList<int> prompt, int tokens)
    {
        var reader = engine.Submit(new DecodeRequest { Prompt = prompt, Temperature = 0, MaxTokens = tokens, IgnoreEos = true });
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) while (reader.TryRead(out _)) { }
    }
}
