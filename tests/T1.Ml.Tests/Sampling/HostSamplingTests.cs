using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tests.Model;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Sampling;

/// <summary>
/// Choosing tokens on the host (<see cref="HostSampling"/>, each row with its own <see cref="RowRandom"/>): the draws
/// follow the softmax at the temperature, top-p keeps exactly the nucleus, and in the decode engine a seeded choice
/// writes the same text whatever else is in the batch and with either decode step.
/// </summary>
[Collection(TorchCollection.Name)]
public class HostSamplingTests
{
    private static readonly float[] Logits = [2.0f, 1.0f, 0.5f, -1.0f, 0.0f, 3.0f];

    [Fact]
    public void Draws_FollowTheSoftmaxAtTheTemperature()
    {
        var sampling = new HostSampling();
        var random = new RowRandom(42);
        const int draws = 40_000;
        var counts = new int[Logits.Length];
        for (int i = 0; i < draws; i++) counts[sampling.Choose(Logits, 0.7, 1.0, random)]++;
        var z = Logits.Select(l => Math.Exp(l / 0.7)).ToArray();
        for (int t = 0; t < Logits.Length; t++)
        {
            double p = z[t] / z.Sum(), sd = Math.Sqrt(p * (1 - p) / draws);
            Assert.InRange(counts[t] / (double)draws, p - 5 * sd, p + 5 * sd); // five standard deviations; the seed fixes the outcome
        }
    }

    [Fact]
    public void TopP_KeepsTheLikeliestTokensWhoseMassBeforeThemIsUnderTopP()
    {
        // At temperature 1: p ≈ [0.22, 0.08, 0.05, 0.01, 0.03, 0.61]. By probability: 5, then 0 (mass before it 0.61),
        // 1 (0.83), 2 (0.91: not under 0.9, dropped with all after it).
        var sampling = new HostSampling();
        var random = new RowRandom(7);
        var seen = new HashSet<int>();
        for (int i = 0; i < 5_000; i++) seen.Add(sampling.Choose(Logits, 1.0, 0.9, random));
        Assert.Equal([0, 1, 5], seen.Order());
        Assert.Equal(5, sampling.Choose(Logits, 1.0, 0.01, random)); // the top token always stays
        Assert.Equal(5, sampling.Choose(Logits, 0, 1.0, random));    // temperature 0: greedy
    }

    [Fact]
    public void RowRandom_GivesTheSameSequenceForTheSameSeed_AndAnotherForAnother()
    {
        var a = new RowRandom(11);
        var b = new RowRandom(11);
        var c = new RowRandom(12);
        var first = Enumerable.Range(0, 8).Select(_ => a.NextDouble()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 8).Select(_ => b.NextDouble()).ToArray());
        Assert.NotEqual(first, Enumerable.Range(0, 8).Select(_ => c.NextDouble()).ToArray());
        Assert.All(first, u => Assert.InRange(u, 0.0, 1.0 - 1e-17));
    }

    [Fact]
    public void Engine_SeededChoice_WritesTheSameTextAlone_InABatch_AndWithEitherStep()
    {
        var corpus = Enumerable.Range(0, 200).Select(i => $"Compute {i % 23}+{i % 7}.\n<think>\nTry: {i % 23}+{i % 7}={i % 23 + i % 7}.\n</think>\nFinal answer: \\boxed{{{i % 23 + i % 7}}}");
        var tok = BpeTrainer.Train(corpus, vocabSize: 300);
        var config = TestConfigs.Micro(vocab: tok.VocabSize) with { MaxPositions = 160 };
        DecodeEngine Engine(bool fast)
        {
            torch.manual_seed(33);
            var model = new DecoderLM(config);
            using (no_grad()) foreach (var p in model.parameters()) p.mul_(4);
            return new DecodeEngine(model, tok, new DecodeEngineOptions { CpuFastPath = fast }, fast ? "fast" : "torch");
        }
        var seeded = new DecodeRequest { Prompt = tok.Encode("Compute 12+5.\n<think>\n"), Temperature = 1.0, TopP = 0.95, Seed = 5, Choices = 2, MaxTokens = 50, IgnoreEos = true };
        var others = Enumerable.Range(0, 14).Select(i => new DecodeRequest
        {
            Prompt = tok.Encode($"Compute {i}+{i % 5}.\n<think>\n" + new string('1', i)),
            Temperature = i % 3 == 0 ? 0 : 1.2, Seed = i % 2 == 0 ? 100 + i : null, MaxTokens = 10 + 3 * i, IgnoreEos = true,
        }).ToArray();
        using var fast = Engine(fast: true);
        using var torchStep = Engine(fast: false);
        var alone = Texts(fast, [seeded])[0];
        Assert.Equal(2, alone.Count);
        Assert.NotEqual(alone[0], alone[1]); // two choices: two seeds
        Assert.Equal(alone, Texts(fast, [.. others[..7], seeded, .. others[7..]])[7]); // 16 rows, ragged, rows leaving as they finish
        Assert.Equal(alone, Texts(torchStep, [seeded, .. others])[0]);                  // libtorch's step, sampled on the host too
    }

    /// <summary>Submits all requests at once and returns each one's choices' texts (reasoning and answer), by choice.</summary>
    private static List<List<string>> Texts(DecodeEngine engine, DecodeRequest[] requests)
    {
        var readers = requests.Select(engine.Submit).ToList();
        return readers.Select(reader =>
        {
            var texts = new SortedDictionary<int, string>();
            var read = Task.Run(async () =>
            {
                await foreach (var d in reader.ReadAllAsync()) texts[d.Choice] = texts.GetValueOrDefault(d.Choice, "") + d.Reasoning + "|" + d.Content;
            });
            Assert.True(read.Wait(TimeSpan.FromMinutes(5)), "the engine did not finish a request within 5 minutes");
            return texts.Values.ToList();
        }).ToList();
    }
}
