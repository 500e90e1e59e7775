using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tests.Model;
using T1.Ml.Tests.Tokenization;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Sampling;

[Collection(TorchCollection.Name)]
public class SamplerTests
{
    private static IReadOnlyList<IReadOnlyList<int>> Prompts => [[3, 9, 27, 4, 11], [8, 2], [5, 5, 6, 1]];

    [Fact]
    public void SameSeed_SameSamples_DifferentSeed_DifferentSamples()
    {
        torch.manual_seed(1);
        using var m = new DecoderLM(TestConfigs.Micro());
        var sampler = new Sampler(m);
        var o = new SamplingOptions { Temperature = 1.0, MaxNewTokens = 20, Seed = 42 };
        var a = sampler.Generate(Prompts, o);
        var b = sampler.Generate(Prompts, o);
        var c = sampler.Generate(Prompts, o with { Seed = 43 });
        Assert.Equal(a.Select(s => s.Tokens), b.Select(s => s.Tokens));
        Assert.NotEqual(a.Select(s => s.Tokens.ToArray()).SelectMany(x => x), c.Select(s => s.Tokens.ToArray()).SelectMany(x => x));
        Assert.All(a, s =>
        {
            Assert.Equal(FinishReason.Length, s.Finish);
            Assert.Equal(20, s.Tokens.Count);
            Assert.Equal(20, s.LogProbs.Count);
            Assert.All(s.LogProbs, lp => Assert.InRange(lp, -50f, 0f));
        });
    }

    [Fact]
    public void Workers_DecodePartsSideBySide_EachAsItsOwnBatchWithItsPartSeed_InPromptOrder()
    {
        torch.manual_seed(5);
        using var m = new DecoderLM(TestConfigs.Micro());
        IReadOnlyList<IReadOnlyList<int>> prompts = [[3, 9, 27, 4, 11], [8, 2], [5, 5, 6, 1], [7], [1, 2, 3], [4, 4]];
        var o = new SamplingOptions { Temperature = 1.0, MaxNewTokens = 24, Seed = 11 };
        int threads = torch.get_num_threads();
        var parallel = new Sampler(m, workers: 3).Generate(prompts, o);
        Assert.Equal(threads, torch.get_num_threads()); // the caller's thread count is back

        // Part p = prompts 2p, 2p+1, decoded as one batch from seed 11 + p·stride, as a one-worker sampler would, with
        // the one torch thread each part runs on: libtorch's kernels may round differently at another thread count
        // (on an AMD Zen 5 host, the log-probabilities at two threads differed from one thread's in the 7th digit).
        var alone = new Sampler(m);
        torch.set_num_threads(1);
        List<SampledSequence> expected;
        try
        {
            expected = Enumerable.Range(0, 3).SelectMany(p =>
                alone.Generate(prompts.Skip(2 * p).Take(2).ToList(), o with { Seed = 11 + p * Sampler.PartSeedStride })).ToList();
        }
        finally { torch.set_num_threads(threads); }
        Assert.Equal(expected.Select(s => s.Tokens), parallel.Select(s => s.Tokens));
        Assert.Equal(expected.Select(s => s.LogProbs), parallel.Select(s => s.LogProbs));
        // Run again: the same, whichever thread took which part.
        Assert.Equal(parallel.Select(s => s.Tokens), new Sampler(m, workers: 3).Generate(prompts, o).Select(s => s.Tokens));
        // More workers than prompts: one part a prompt.
        Assert.Equal(2, new Sampler(m, workers: 8).Generate(prompts.Take(2).ToList(), o).Count);
    }

    [Fact]
    public void Greedy_BatchedLeftPadded_EqualsEachPromptAlone()
    {
        torch.manual_seed(2);
        using var m = new DecoderLM(TestConfigs.Micro());
        var sampler = new Sampler(m);
        var o = new SamplingOptions { Temperature = 0, MaxNewTokens = 12 };
        var batched = sampler.Generate(Prompts, o);
        for (int i = 0; i < Prompts.Count; i++)
        {
            var alone = sampler.Generate([Prompts[i]], o)[0];
            Assert.Equal(alone.Tokens, batched[i].Tokens);
            Assert.Equal(alone.LogProbs[^1], batched[i].LogProbs[^1], 3);
        }
    }

    [Fact]
    public void StopTokenIds_EndTheSequence_AndTheStopTokenIsKept()
    {
        torch.manual_seed(3);
        using var m = new DecoderLM(TestConfigs.Micro());
        var sampler = new Sampler(m);
        var free = sampler.Generate(Prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = 16 });
        int stopId = free[0].Tokens[4];
        int firstAt = free[0].Tokens.ToList().IndexOf(stopId);
        var stopped = sampler.Generate(Prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = 16, StopTokenIds = [stopId] });
        Assert.Equal(FinishReason.Stop, stopped[0].Finish);
        Assert.Equal(free[0].Tokens.Take(firstAt + 1), stopped[0].Tokens);
    }

    [Fact]
    public void TopPAndMinP_KeepOnlyLikelyTokens()
    {
        var logits = tensor(new float[,] { { 3f, 2f, 0f, -5f }, { 0f, 0f, 0f, 0f } });
        using var gen = new Generator(5);
        var o = new SamplingOptions { Temperature = 1, TopP = 0.5 };
        for (int i = 0; i < 50; i++)
        {
            var c = Sampler.Choose(logits, o, gen).data<long>().ToArray();
            Assert.Equal(0, c[0]); // p(0) ≈ 0.71 ≥ 0.5 alone
        }
        var minP = new SamplingOptions { Temperature = 1, MinP = 0.3 };
        for (int i = 0; i < 50; i++)
        {
            var c = Sampler.Choose(logits, minP, gen).data<long>().ToArray();
            Assert.InRange(c[0], 0, 1); // p(1)/p(0) = e^-1 ≈ 0.37 ≥ 0.3; p(2)/p(0) < 0.3
        }
    }

    [Fact]
    public void StopStrings_AreHonoured_AndTextIsCutAfterThem()
    {
        var tok = BpeTrainer.Train(BpeTextTokenizerTests.Corpus.Append("Answer: 42 END then more text"), vocabSize: 300);
        torch.manual_seed(4);
        using var m = new DecoderLM(TestConfigs.Micro(vocab: tok.VocabSize));
        var seq = tok.Encode("Q: ? Answer: 42 END then more text");
        Overfit(m, seq, steps: 150);
        var sampler = new Sampler(m, tok);
        var prompt = tok.Encode("Q: ?");
        var o = new SamplingOptions { Temperature = 0, MaxNewTokens = seq.Count - prompt.Count };
        var free = sampler.Generate([prompt], o)[0];
        Assert.Equal(" Answer: 42 END then more text", free.Text);
        Assert.Equal(FinishReason.Length, free.Finish);

        var stopped = sampler.Generate([prompt], o with { StopStrings = ["END"] })[0];
        Assert.Equal(FinishReason.Stop, stopped.Finish);
        Assert.Equal("END", stopped.StopString);
        Assert.Equal(" Answer: 42 END", stopped.Text);
        Assert.True(stopped.Tokens.Count < free.Tokens.Count);
    }

    private static void Overfit(DecoderLM m, IReadOnlyList<int> seq, int steps)
    {
        using var opt = m.CreateAdamW(lr: 1e-2, weightDecay: 0.0);
        var all = tensor(seq.Select(i => (long)i).ToArray()).unsqueeze(0);
        long T = all.shape[1];
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var logits = m.forward(all.narrow(1, 0, T - 1));
            nn.functional.cross_entropy(logits.view(-1, m.Config.VocabSize), all.narrow(1, 1, T - 1).reshape(-1)).backward();
            opt.step();
        }
    }
}
