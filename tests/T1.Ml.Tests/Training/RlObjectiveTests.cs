using T1.Ml.Model;
using T1.Ml.Training;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

/// <summary>
/// Each term of the RL loss on a 3-token toy: vocabulary {0, 1, 2}, one response of three tokens with the logits below,
/// temperature T = 2. Expected values were computed by hand (closed forms, noted beside each).
/// </summary>
public class RlObjectiveTests
{
    private const double T = 2.0;

    // Next-token logits z at the three response positions and the sampled tokens.
    private static readonly float[,] Logits = { { 2, 1, 0 }, { 0, 0, 0 }, { 1, 3, 0 } };
    private static readonly long[] Sampled = [0, 2, 1];

    // log softmax(z/T)[y]: 1 − ln(e + e^½ + 1); −ln 3; ½ − ln(e^½ + e^{3/2} + 1).
    private static readonly double[] LogpAtT = [-0.680269671, -1.098612289, -0.464368784];

    // Entropy of softmax(z/T) at each position (ln 3 for the flat one).
    private static readonly double[] EntropyAtT = [1.020191337, 1.098612289, 0.905959256];

    /// <summary>(1, 3) log-probs at temperature T, through the functions <see cref="TokenLogProbs.Score"/> is built from.</summary>
    private static Tensor ToyLogp() => TokenLogProbs.OfTargets(tensor(Logits).unsqueeze(0) / T, tensor(Sampled).unsqueeze(0));

    [Fact]
    public void LogProbsAndEntropy_AreOfTheTemperedDistribution()
    {
        var logp = ToyLogp();
        var entropy = TokenLogProbs.Entropy(tensor(Logits).unsqueeze(0) / T);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal(LogpAtT[t], logp[0, t].item<float>(), 5);
            Assert.Equal(EntropyAtT[t], entropy[0, t].item<float>(), 5);
        }
        // At T = 1 the first token is far likelier: 2 − ln(e² + e + 1) = −0.407606.
        Assert.Equal(-0.407606, TokenLogProbs.OfTargets(tensor(Logits).unsqueeze(0), tensor(Sampled).unsqueeze(0))[0, 0].item<float>(), 5);
    }

    [Fact]
    public void PolicyLoss_ClipsTheRatioAsymmetrically_AndCountsTheBoundTokens()
    {
        // π_old = π·e^{−δ}, so ρ = e^δ: 1.648721 (above 1 + 0.28), 0.606531 (below 1 − 0.2), 1.105171 (inside).
        var logp = ToyLogp().repeat(2, 1);                                   // (2, 3): the same response twice
        var old = logp - tensor(new float[] { 0.5f, -0.5f, 0.1f });
        var advantages = tensor(new float[] { 1, -1 }).unsqueeze(1);         // (2, 1)
        var (loss, bound) = RlObjective.PolicyLoss(logp, old, advantages, clipLow: 0.2, clipHigh: 0.28);

        // A = +1: max(−ρ, −clip ρ) = −min(ρ, clip ρ) → −1.28 (bound), −0.606531, −1.105171.
        // A = −1: max(ρ, clip ρ) → 1.648721, 0.8 (bound), 1.105171.
        double[,] expected = { { -1.28, -0.606531, -1.105171 }, { 1.648721, 0.8, 1.105171 } };
        double[,] expectedBound = { { 1, 0, 0 }, { 0, 1, 0 } };
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
            {
                Assert.Equal(expected[b, t], loss[b, t].item<float>(), 5);
                Assert.Equal(expectedBound[b, t], bound[b, t].item<float>());
            }
    }

    [Fact]
    public void PolicyLoss_HasNoGradientWhereClipped_AndMinusARhoElsewhere()
    {
        var logp = ToyLogp().detach().requires_grad_(true);
        var old = logp.detach() - tensor(new float[] { 0.5f, -0.5f, 0.1f });
        var (loss, _) = RlObjective.PolicyLoss(logp, old, tensor(new float[] { 1 }).unsqueeze(1), 0.2, 0.28);
        loss.sum().backward();
        // ∂(−A·ρ)/∂log π = −A·ρ where unclipped; 0 where the clipped term won.
        Assert.Equal(0.0, logp.grad![0, 0].item<float>(), 6);
        Assert.Equal(-0.606531, logp.grad[0, 1].item<float>(), 5);
        Assert.Equal(-1.105171, logp.grad[0, 2].item<float>(), 5);
    }

    [Fact]
    public void OnPolicy_RatioIsOne_SoTheLossIsMinusTheAdvantage_AndItsGradientIsREINFORCE()
    {
        var logp = ToyLogp().detach().requires_grad_(true);
        var (loss, bound) = RlObjective.PolicyLoss(logp, logp.detach(), tensor(new float[] { 0.75f }).unsqueeze(1), 0.2, 0.28);
        loss.sum().backward();
        Assert.Equal(-2.25, loss.sum().item<float>(), 5);
        Assert.Equal(0.0, bound.sum().item<float>());
        Assert.All(logp.grad!.data<float>().ToArray(), g => Assert.Equal(-0.75, g, 6));
    }

    [Fact]
    public void Kl_K2AndK3_MatchTheirClosedForms_AndGradients()
    {
        var logp = ToyLogp().detach().requires_grad_(true);
        var reference = logp.detach() + tensor(new float[] { 0.2f, -0.4f, 0f }); // d = log π − log π_ref = −0.2, 0.4, 0

        var k2 = RlObjective.Kl(logp, reference, RlKlEstimator.K2);
        Assert.Equal(new[] { 0.02, 0.08, 0.0 }, k2[0].data<float>().ToArray().Select(v => Math.Round(v, 6)));
        k2.sum().backward();
        Assert.Equal(new[] { -0.2, 0.4, 0.0 }, logp.grad![0].data<float>().ToArray().Select(v => Math.Round(v, 6))); // d

        logp.grad.zero_();
        var k3 = RlObjective.Kl(logp, reference, RlKlEstimator.K3);
        // e^{−d} + d − 1: e^{0.2} − 1.2 = 0.021403, e^{−0.4} − 0.6 = 0.070320, 0.
        Assert.Equal(0.021403, k3[0, 0].item<float>(), 5);
        Assert.Equal(0.070320, k3[0, 1].item<float>(), 5);
        Assert.Equal(0.0, k3[0, 2].item<float>(), 6);
        k3.sum().backward();
        // ∂/∂log π = 1 − e^{−d}: 1 − e^{0.2} = −0.221403, 1 − e^{−0.4} = 0.329680.
        Assert.Equal(-0.221403, logp.grad[0, 0].item<float>(), 5);
        Assert.Equal(0.329680, logp.grad[0, 1].item<float>(), 5);
    }

    [Fact]
    public void Aggregate_TokenDividesByTokens_SequenceByResponses()
    {
        var values = tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var mask = tensor(new float[,] { { 1, 1, 1 }, { 1, 1, 0 } }); // responses of 3 and 2 tokens
        Assert.Equal(15.0 / 5, RlObjective.Aggregate(values, mask, RlLossAgg.Token, sequences: 2, tokens: 5).item<float>(), 6);
        Assert.Equal(15.0 / 2, RlObjective.Aggregate(values, mask, RlLossAgg.Sequence, sequences: 2, tokens: 5).item<float>(), 6);
        // Split into two micro-batches with the minibatch's counts, the parts add up to the whole.
        var part0 = RlObjective.Aggregate(values[..1], mask[..1], RlLossAgg.Token, 2, 5);
        var part1 = RlObjective.Aggregate(values[1..], mask[1..], RlLossAgg.Token, 2, 5);
        Assert.Equal(3.0, (part0 + part1).item<float>(), 6);
    }

    [Fact]
    public void EntropyBonus_OnTheToy_IsTheMeanTemperedEntropy()
    {
        var entropy = TokenLogProbs.Entropy(tensor(Logits).unsqueeze(0) / T); // (1, 3)
        var term = RlObjective.Aggregate(entropy, ones(1, 3), RlLossAgg.Token, 1, 3);
        Assert.Equal(EntropyAtT.Average(), term.item<float>(), 5);
        Assert.Equal(EntropyAtT.Sum(), RlObjective.Aggregate(entropy, ones(1, 3), RlLossAgg.Sequence, 1, 3).item<float>(), 5);
    }
}
