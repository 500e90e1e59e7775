using T1.Ml.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

[Collection(TorchCollection.Name)]
public class TokenLogProbsTests
{
    [Fact]
    public void OfSequences_EqualsLogSoftmaxOfTheNextToken_AndMasks()
    {
        torch.manual_seed(5);
        using var m = new DecoderLM(TestConfigs.Micro());
        using var _ = no_grad();
        var ids = tensor(new long[,] { { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10 } });
        var logp = TokenLogProbs.OfSequences(m, ids); // (2, 4)
        var full = m.forward(ids).log_softmax(-1);    // (2, 5, V)
        float expected = full[1, 2, 9].item<float>();  // p(ids[1,3] = 9 | ids[1, ..3])
        Assert.Equal(expected, logp[1, 2].item<float>(), 4);
        Assert.True((logp <= 0).all().item<bool>());

        var mask = tensor(new long[,] { { 0, 0, 1, 1, 0 }, { 0, 1, 1, 1, 1 } });
        var masked = TokenLogProbs.OfSequences(m, ids, mask);
        Assert.Equal(0f, masked[0, 0].item<float>());
        Assert.Equal(0f, masked[0, 3].item<float>());
        Assert.Equal(logp[0, 1].item<float>(), masked[0, 1].item<float>(), 5);
    }

    [Fact]
    public void Entropy_IsLogVForUniform_AndZeroForOneHot()
    {
        var uniform = zeros(1, 1, 10);
        Assert.Equal(Math.Log(10), TokenLogProbs.Entropy(uniform).item<float>(), 4);
        var peaked = full(new long[] { 1, 1, 10 }, -1e4f);
        peaked[0, 0, 3] = tensor(0f);
        Assert.Equal(0.0, TokenLogProbs.Entropy(peaked).item<float>(), 4);
    }

    [Fact]
    public void Gradients_FlowThroughLogProbs()
    {
        using var m = new DecoderLM(TestConfigs.Micro());
        var ids = tensor(new long[,] { { 1, 2, 3, 4 } });
        var loss = -TokenLogProbs.MaskedMean(TokenLogProbs.OfSequences(m, ids), ones(1, 3));
        loss.backward();
        Assert.All(m.parameters(), p => Assert.NotNull(p.grad));
        Assert.True(m.parameters().First().grad!.abs().sum().item<float>() > 0);
    }
}
