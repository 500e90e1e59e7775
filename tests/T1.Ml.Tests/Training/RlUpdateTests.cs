using T1.Ml.Model;
using T1.Ml.Training;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class RlUpdateTests
{
    private static readonly RlOptions Base = new()
    {
        PromptsPerStep = 2, SamplesPerPrompt = 3, Lr = 1e-3, WarmupSteps = 0, EntropyCoef = 0.01, KlCoef = 0.1, MicroBatch = 4, Seed = 3,
        Alarms = new RlAlarmOptions { EntropyMin = 0, OverlongMax = 0 },
    };

    /// <summary>Two prompts × three fixed responses of different lengths, and advantages with a signal.</summary>
    private static (List<RlSequence> Seqs, double[] Advantages) Rollout()
    {
        int[][] prompts = [[5, 6, 7], [8, 9]];
        int[][] responses = [[10, 11, 12, 13], [14, 15], [16, 17, 18], [19, 20, 21, 22, 23], [24], [25, 26]];
        var seqs = responses.Select((r, i) => new RlSequence(prompts[i / 3], r)).ToList();
        return (seqs, RlAdvantages.LeaveOneOut([1, 0, 0, 0, 1, 1], 3));
    }

    /// <summary>Mean entropy of softmax(z/T) over the response positions, from the model's raw logits.</summary>
    private static double ResponseEntropy(DecoderLM model, List<RlSequence> seqs, double temperature)
    {
        using var _ = no_grad();
        double sum = 0, count = 0;
        foreach (var s in seqs)
        {
            var ids = tensor(s.Prompt.Concat(s.Response).Select(t => (long)t).ToArray()).unsqueeze(0);
            var logits = model.Forward(ids.narrow(1, 0, ids.shape[1] - 1)) / temperature;     // (1, L-1, V)
            var h = TokenLogProbs.Entropy(logits)[0].narrow(0, s.Prompt.Count - 1, s.Response.Count); // response positions
            sum += h.sum().item<float>();
            count += s.Response.Count;
        }
        return sum / count;
    }

    [Fact]
    public void Update_ScoresTheTemperedDistribution_AndStartsAtZeroKl()
    {
        var (seqs, adv) = Rollout();
        var o = Base with { Temperature = 0.2 };
        using var policy = RlTestKit.Model(11);
        double atT = ResponseEntropy(policy, seqs, o.Temperature), atOne = ResponseEntropy(policy, seqs, 1.0);
        Assert.True(atOne - atT > 0.1, $"the toy must tell the temperatures apart: H(T=1) {atOne}, H(T=0.2) {atT}");
        using var anchor = new DynamicAnchor(policy);
        using var optimizer = policy.CreateAdamW(o.Lr, weightDecay: 0);
        var stats = new RlUpdate(policy, anchor, optimizer, o, RlTestKit.Tokenizer.Special.Pad).Run(seqs, adv, step: 1);
        Assert.Equal(atT, stats.Entropy, 4);
        Assert.Equal(0.0, stats.Kl, 6);          // the anchor is the policy before the first update
        Assert.Equal(0.0, stats.ClipFraction);   // one on-policy pass: ρ ≡ 1
        Assert.Equal(1, stats.Updates);
        Assert.True(double.IsFinite(stats.Loss) && stats.GradNorm > 0);
    }

    [Fact]
    public void ReusingTheRollout_MovesTheRatio_SoClippingBinds_AndEachMinibatchIsAnUpdate()
    {
        var (seqs, adv) = Rollout();
        var o = Base with { Lr = 0.05, PpoEpochs = 4, Minibatches = 2, ClipLow = 0.05, ClipHigh = 0.05, KlCoef = 0 };
        using var policy = RlTestKit.Model(12);
        using var anchor = new DynamicAnchor(policy);
        using var optimizer = policy.CreateAdamW(o.Lr, weightDecay: 0);
        var stats = new RlUpdate(policy, anchor, optimizer, o, RlTestKit.Tokenizer.Special.Pad).Run(seqs, adv, step: 1);
        Assert.Equal(8, stats.Updates);
        Assert.InRange(stats.ClipFraction, 0.01, 1.0);
        Assert.True(stats.Kl > 0, "after updates within the step, π moved away from the anchor");
    }

    [Fact]
    public void KlTerm_PullsThePolicyBackTowardsTheAnchor()
    {
        var (seqs, _) = Rollout();
        var zero = new double[seqs.Count]; // no reward signal: only the KL term acts
        foreach (var estimator in new[] { RlKlEstimator.K2, RlKlEstimator.K3 })
        {
            using var policy = RlTestKit.Model(13);
            using var anchor = new DynamicAnchor(policy);
            using (var _ = no_grad())
                foreach (var p in policy.parameters()) p.add_(randn_like(p) * 0.05); // π drifted from π_ref
            var o = Base with { Lr = 3e-3, EntropyCoef = 0, KlCoef = 1, KlEstimator = estimator };
            using var optimizer = policy.CreateAdamW(o.Lr, weightDecay: 0);
            var update = new RlUpdate(policy, anchor, optimizer, o, RlTestKit.Tokenizer.Special.Pad);
            double first = update.Run(seqs, zero, 1).Kl, last = first;
            for (int s = 2; s <= 10; s++) last = update.Run(seqs, zero, s).Kl;
            Assert.True(first > 0 && last < 0.8 * first, $"{estimator}: KL per token {first} → {last}");
        }
    }
}
