using T1.Ml.Model;
using T1.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

[Collection(TorchCollection.Name)]
public class ChunkedLogProbsTests
{
    private static readonly long[,] Ids = { { 1, 2, 3, 4, 5, 6, 7 }, { 8, 9, 10, 11, 12, 0, 0 }, { 13, 14, 15, 16, 17, 18, 19 } };
    private static readonly float[,] Mask = { { 0, 0, 1, 1, 1, 1, 1 }, { 0, 1, 1, 1, 1, 0, 0 }, { 0, 0, 0, 1, 1, 1, 1 } };

    [Theory]
    [InlineData(true, 1.0)]
    [InlineData(false, 1.2)]
    public void Score_InChunks_EqualsTheWholeLogits_ValuesAndGradients(bool tied, double temperature)
    {
        torch.manual_seed(11);
        using var m = new DecoderLM(TestConfigs.Micro(tied));
        var ids = tensor(Ids);
        var mask = tensor(Mask);
        var advantages = tensor(new float[] { 0.7f, -1.3f, 0.4f }).unsqueeze(1); // (3, 1)

        // Reference: the whole (B, T-1, V) logits, as Score computed them before chunking.
        var logits = m.Forward(ids.narrow(1, 0, 6)) / temperature;              // (3, 6, V)
        var m1 = mask.narrow(1, 1, 6);
        var refLogp = TokenLogProbs.OfTargets(logits, ids.narrow(1, 1, 6)) * m1;
        var refEntropy = TokenLogProbs.Entropy(logits) * m1;
        var refGrads = Gradients(m, () => (advantages * refLogp).sum() + 0.3 * refEntropy.sum());

        // 18 positions in chunks of 4: the last chunk is partial.
        var (logp, entropy) = TokenLogProbs.Score(m, ids, mask, temperature, withEntropy: true, chunk: 4);
        AssertClose(refLogp, logp, "log p");
        AssertClose(refEntropy, entropy!, "entropy");
        var grads = Gradients(m, () =>
        {
            var (lp, h) = TokenLogProbs.Score(m, ids, mask, temperature, withEntropy: true, chunk: 4);
            return (advantages * lp).sum() + 0.3 * h!.sum();
        });
        foreach (var (name, g) in refGrads) AssertClose(g, grads[name], name);
    }

    [Fact]
    public void SftLoss_InChunks_EqualsTheLossOnWholeLogits_AndItsGradient()
    {
        torch.manual_seed(12);
        using var m = new DecoderLM(TestConfigs.Micro());
        var inputs = tensor(Ids).narrow(1, 0, 6);
        var targets = tensor(Ids).narrow(1, 1, 6);
        var mask = tensor(Mask).narrow(1, 1, 6);
        var refLoss = SftLoss.Sum(m.forward(inputs), targets, mask);
        var refGrads = Gradients(m, () => SftLoss.Sum(m.forward(inputs), targets, mask));
        var chunked = -(TokenLogProbs.OfNextTokens(m, inputs, targets, chunk: 5).LogProbs * mask).sum();
        Assert.Equal(refLoss.item<float>(), chunked.item<float>(), 4);
        var grads = Gradients(m, () => -(TokenLogProbs.OfNextTokens(m, inputs, targets, chunk: 5).LogProbs * mask).sum());
        foreach (var (name, g) in refGrads) AssertClose(g, grads[name], name);
    }

    [Fact]
    public void DefaultChunk_KeepsOneChunksLogitsNear128MiB()
    {
        Assert.Equal(220, ChunkedLogProbs.DefaultChunk(151_936));
        Assert.Equal(65_536, ChunkedLogProbs.DefaultChunk(512));
    }

    private static Dictionary<string, Tensor> Gradients(DecoderLM m, Func<Tensor> loss)
    {
        m.zero_grad();
        loss().backward();
        return m.named_parameters().ToDictionary(np => np.name, np => np.parameter.grad!.clone());
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= 1e-5, $"{what}: max abs difference {diff:E2} > 1e-5");
    }
}
