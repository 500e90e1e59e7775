using T1.Ml.Model;
using T1.Ml.Tests.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Sampling;

[Collection(TorchCollection.Name)]
public class KvCacheTests
{
    [Fact]
    public void CachedDecoding_GivesTheSameLogitsAsFullForward_ForLeftPaddedRowsOfDifferentLengths()
    {
        torch.manual_seed(7);
        using var m = new DecoderLM(TestConfigs.Micro());
        using var _ = no_grad();
        long[][] prompts = [[3, 9, 27, 4, 11], [8, 2], [5, 5, 6, 1]];
        int longest = 5, steps = 6;
        var ids = new long[3 * longest];
        var valid = new bool[3 * longest];
        for (int b = 0; b < 3; b++)
        {
            int off = longest - prompts[b].Length;
            for (int t = 0; t < longest; t++)
            {
                ids[b * longest + t] = t >= off ? prompts[b][t - off] : 0;
                valid[b * longest + t] = t >= off;
            }
        }
        using var cache = m.NewCache(3, longest + steps);
        var logits = m.Forward(tensor(ids, [3, longest]), cache, tensor(valid, [3, longest]), lastOnly: true); // (3, 1, V)
        var seqs = prompts.Select(p => p.ToList()).ToArray();
        for (int step = 0; step <= steps; step++)
        {
            for (int b = 0; b < 3; b++)
            {
                // Row b alone, unpadded, no cache: the reference.
                var full = m.forward(tensor(seqs[b].ToArray()).unsqueeze(0));  // (1, T_b, V)
                var expected = full[0, -1];
                var got = logits[b, 0];
                Assert.True(got.allclose(expected, rtol: 1e-4, atol: 1e-4),
                    $"row {b} step {step}: max diff {(got - expected).abs().max().item<float>()}");
            }
            if (step == steps) break;
            var next = logits.select(1, 0).argmax(-1); // (3)
            var host = next.data<long>().ToArray();
            for (int b = 0; b < 3; b++) seqs[b].Add(host[b]);
            logits = m.Forward(next.unsqueeze(1), cache, lastOnly: true);
        }
        Assert.Equal(longest + steps, cache.Length);
    }

    [Fact]
    public void ChunkedPrefill_MatchesOneShotPrefill()
    {
        torch.manual_seed(8);
        using var m = new DecoderLM(TestConfigs.Micro());
        using var _ = no_grad();
        var ids = tensor(new long[,] { { 1, 2, 3, 4, 5, 6, 7 } });
        using var cache = m.NewCache(1, 16);
        m.Forward(ids.narrow(1, 0, 3), cache);
        var chunked = m.Forward(ids.narrow(1, 3, 4), cache);     // (1, 4, V), queries after 3 cached keys
        var oneShot = m.forward(ids).narrow(1, 3, 4);
        Assert.True(chunked.allclose(oneShot, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Cache_RejectsWritesPastItsCapacity()
    {
        using var m = new DecoderLM(TestConfigs.Micro());
        using var _ = no_grad();
        using var cache = m.NewCache(1, 4);
        m.Forward(ones([1, 4], dtype: int64), cache);
        var ex = Assert.Throws<ArgumentException>(() => m.Forward(ones([1, 1], dtype: int64), cache));
        Assert.Contains("capacity", ex.Message);
    }
}
