using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tests.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Sampling;

/// <summary>
/// The memory-bounded sampler (cache grown by pages, GQA without repeated k/v, finished rows leaving the batch)
/// against the sampler as it was: the whole batch decoded every step, every row drawn by torch's multinomial.
/// </summary>
[Collection(TorchCollection.Name)]
public class BoundedSamplerTests
{
    private static IReadOnlyList<IReadOnlyList<int>> Prompts => [[3, 9, 27, 4, 11], [8, 2], [5, 5, 6, 1], [7], [12, 13, 14]];

    [Fact]
    public void Choose_DrawsExactlyWhatTorchMultinomialDraws()
    {
        torch.manual_seed(21);
        var logits = randn(6, 50) * 2; // (6, V)
        foreach (var o in new[] { new SamplingOptions { Temperature = 1.2 }, new SamplingOptions { Temperature = 0.8, TopP = 0.9, MinP = 0.05 } })
        {
            using var a = new Generator(99);
            using var b = new Generator(99);
            for (int i = 0; i < 20; i++)
            {
                var ours = Sampler.Choose(logits, o, a).data<long>().ToArray();
                var torchs = Multinomial(logits, o, b).data<long>().ToArray();
                Assert.Equal(torchs, ours);
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.3)]
    public void Generate_GivesTheTokensOfTheWholeBatchUncachedReference_WhileRowsFinishEarly(double temperature)
    {
        torch.manual_seed(22);
        using var m = new DecoderLM(TestConfigs.Micro(vocab: 64) with { MaxPositions = 200 });
        var o = new SamplingOptions { Temperature = temperature, MaxNewTokens = 140, Seed = 5 };
        var free = Reference(m, Prompts, o);
        // Stop tokens that end rows at different steps, so rows leave the batch one by one.
        var stops = free.Select((t, i) => t[Math.Min(t.Count - 1, 3 + 9 * i)]).Distinct().ToList();
        var withStops = o with { StopTokenIds = stops };
        var expected = Reference(m, Prompts, withStops);
        var sampler = new Sampler(m);
        var got = sampler.Generate(Prompts, withStops);
        Assert.Contains(got, s => s.Finish == FinishReason.Stop);
        if (temperature > 0) Assert.Contains(got, s => s.Tokens.Count > 1 + got.Min(x => x.Tokens.Count)); // rows left at different steps
        for (int i = 0; i < Prompts.Count; i++) Assert.Equal(expected[i], got[i].Tokens);
        // Without stops every row decodes 140 tokens: the cache grows past its first page of 128 positions.
        var gotFree = sampler.Generate(Prompts, o);
        for (int i = 0; i < Prompts.Count; i++) Assert.Equal(free[i], gotFree[i].Tokens);
    }

    [Fact]
    public void Cache_GrowsByPages_InTheModelsDtype_AndKeepRowsFreesRows()
    {
        torch.manual_seed(23);
        using var m = new DecoderLM(TestConfigs.Micro() with { MaxPositions = 300 });
        using var _ = no_grad();
        using var cache = m.NewCache(3, 300);
        Assert.Equal(0, cache.Allocated);
        m.Forward(ones([3, 5], dtype: int64), cache);
        Assert.Equal(KvCache.PageSize, cache.Allocated);
        long onePage = cache.Bytes;
        // 2 layers × (k, v) × 3 rows × 2 kv heads × 128 slots × head dim 8 × 4 bytes
        Assert.Equal(2L * 2 * 3 * 2 * 128 * 8 * 4, onePage);
        m.Forward(ones([3, KvCache.PageSize], dtype: int64), cache);
        Assert.Equal(2 * KvCache.PageSize, cache.Allocated);
        cache.KeepRows([0, 2]);
        Assert.Equal(2, cache.Batch);
        Assert.Equal(onePage * 2 * 2 / 3, cache.Bytes);
        m.Forward(ones([2, 1], dtype: int64), cache);
        Assert.Equal(KvCache.PageSize + 6, cache.Length);
    }

    /// <summary>The sampler as it was: no cache (the whole sequence every step), every row decoded to the end, torch's multinomial.</summary>
    private static List<List<int>> Reference(DecoderLM m, IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions o)
    {
        using var _ = no_grad();
        using var gen = new Generator((ulong)o.Seed);
        int B = prompts.Count, longest = prompts.Max(p => p.Count);
        var seqs = prompts.Select(p => p.Select(t => (long)t).ToList()).ToArray();
        var done = new bool[B];
        var result = Enumerable.Range(0, B).Select(_ => new List<int>()).ToList();
        for (int step = 0; step < o.MaxNewTokens && done.Any(d => !d); step++)
        {
            using var scope = NewDisposeScope();
            int T = longest + step;
            var ids = new long[B * T];
            var valid = new bool[B * T];
            for (int b = 0; b < B; b++)
            {
                int off = T - seqs[b].Count;
                for (int t = off; t < T; t++)
                {
                    ids[b * T + t] = seqs[b][t - off];
                    valid[b * T + t] = true;
                }
            }
            var logits = m.Forward(tensor(ids, [B, T]), valid: tensor(valid, [B, T]), lastOnly: true).select(1, 0).to(float32); // (B, V)
            var next = (o.Temperature == 0 ? logits.argmax(-1) : Multinomial(logits, o, gen)).data<long>().ToArray();
            for (int b = 0; b < B; b++)
            {
                seqs[b].Add(next[b]);
                if (done[b]) continue;
                result[b].Add((int)next[b]);
                done[b] = o.StopTokenIds.Contains((int)next[b]);
            }
        }
        return result;
    }

    private static Tensor Multinomial(Tensor logits, SamplingOptions o, Generator gen)
    {
        var probs = (logits / o.Temperature).softmax(-1);
        if (o.MinP > 0) probs = probs.masked_fill(probs < probs.amax([-1], keepdim: true) * o.MinP, 0.0);
        if (o.TopP < 1)
        {
            var (sorted, order) = probs.sort(-1, descending: true);
            sorted = sorted.masked_fill(sorted.cumsum(-1) - sorted >= o.TopP, 0.0);
            probs = zeros_like(probs).scatter_(-1, order, sorted);
        }
        return probs.multinomial(1, replacement: false, generator: gen).squeeze(-1);
    }
}
