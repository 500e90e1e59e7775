using System.Diagnostics;
using System.Globalization;
using T1.Ml.Model;
using T1.Ml.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Bench.Ml;

/// <summary>
/// Generated tokens/s of greedy decoding at several batch sizes: the platform's Sampler (KV cache: one
/// prefill, then one position per step) against recomputing the whole prefix every step (no cache).
/// Random prompts of a fixed length, a fixed number of new tokens, no early stop; both paths must pick
/// the same tokens.
/// </summary>
public static class SamplerThroughput
{
    public static Task<int> RunAsync(Args a)
    {
        var preset = a.Str("model", "tiny");
        int vocab = a.Int("vocab-size", preset == "small" ? 4096 : 512);
        int promptLength = a.Int("prompt", 32), newTokens = a.Int("new-tokens", 224), threads = a.Int("threads", 2);
        var batches = a.Ints("batches", "1,16,64");
        a.CheckAllUsed();

        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var config = ModelConfig.Preset(preset, vocab);
        using var model = DecoderLM.Create(config, CPU);
        model.eval();
        var sampler = new Sampler(model);
        Console.WriteLine($"Sampler throughput · model {preset} ({config}) · prompt {promptLength} + {newTokens} new tokens, greedy · torch threads {threads}");
        var random = new Random(1);
        foreach (int B in batches)
        {
            var prompts = Enumerable.Range(0, B).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, promptLength).Select(_ => random.Next(vocab)).ToList()).ToList();
            var options = new SamplingOptions { Temperature = 0, MaxNewTokens = newTokens, StopAtEndOfText = false };
            sampler.Generate(prompts.Take(1).ToList(), options with { MaxNewTokens = 4 }); // warm-up
            var clock = Stopwatch.StartNew();
            var cached = sampler.Generate(prompts, options);
            double cachedSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var uncached = Uncached(model, prompts, newTokens);
            double uncachedSeconds = clock.Elapsed.TotalSeconds;
            int same = cached.Zip(uncached).Count(x => x.First.Tokens.SequenceEqual(x.Second));
            double tokens = (double)B * newTokens;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT batch {B,3}: cached {tokens / cachedSeconds,9:F0} tokens/s ({cachedSeconds,6:F2} s) · uncached {tokens / uncachedSeconds,9:F0} tokens/s ({uncachedSeconds,6:F2} s) · speed-up {uncachedSeconds / cachedSeconds,5:F1}× · same tokens in {same}/{B} rows"));
        }
        return Task.FromResult(0);
    }

    /// <summary>Greedy decoding without a cache: every step runs the model over the whole sequence so far.</summary>
    private static List<int[]> Uncached(DecoderLM model, IReadOnlyList<IReadOnlyList<int>> prompts, int newTokens)
    {
        using var noGrad = no_grad();
        int B = prompts.Count;
        var ids = tensor(prompts.SelectMany(p => p.Select(i => (long)i)).ToArray(), [B, prompts[0].Count], dtype: int64); // (B, T)
        var generated = new List<long[]>();
        for (int step = 0; step < newTokens; step++)
        {
            using var scope = NewDisposeScope();
            var next = model.Forward(ids, lastOnly: true).select(1, 0).argmax(-1); // (B)
            generated.Add(next.data<long>().ToArray());
            var longer = cat([ids, next.unsqueeze(1)], 1).MoveToOuterDisposeScope(); // (B, T+1)
            ids.Dispose();
            ids = longer;
        }
        ids.Dispose();
        return Enumerable.Range(0, B).Select(b => generated.Select(g => (int)g[b]).ToArray()).ToList();
    }
}
