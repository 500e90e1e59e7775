using T1.Ml.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

[Collection(TorchCollection.Name)]
public class GradCheckpointTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CheckpointedGradients_EqualPlainGradients(bool tied)
    {
        torch.manual_seed(31);
        using var m = new DecoderLM(TestConfigs.Micro(tied) with { NumLayers = 3 });
        var ids = randint(0, 64, [3, 9], dtype: int64);
        var weights = randn(3, 9);
        var (plainLoss, plain) = Gradients(m, ids, weights);
        m.GradCheckpoint = true;
        var (checkpointedLoss, checkpointed) = Gradients(m, ids, weights);
        Assert.Equal(plainLoss, checkpointedLoss, 6);
        foreach (var (name, g) in plain)
        {
            double diff = (g - checkpointed[name]).abs().max().item<float>();
            Assert.True(diff <= 1e-6, $"{name}: max abs difference {diff:E2}");
        }
    }

    [Fact]
    public void Checkpointing_IsSkippedWithoutGradients_AndLogitsAreUnchanged()
    {
        torch.manual_seed(32);
        using var m = new DecoderLM(TestConfigs.Micro());
        var ids = randint(0, 64, [2, 7], dtype: int64);
        using var _ = no_grad();
        var plain = m.forward(ids);
        m.GradCheckpoint = true;
        Assert.True(plain.allclose(m.forward(ids), rtol: 0, atol: 0));
    }

    private static (float Loss, Dictionary<string, Tensor> Grads) Gradients(DecoderLM m, Tensor ids, Tensor weights)
    {
        m.zero_grad();
        var logits = m.forward(ids);                                   // (B, T, V)
        var loss = (logits.log_softmax(-1).select(-1, 5) * weights).sum() + (m.Hidden(ids) * 0.1).pow(2).sum();
        loss.backward();
        return (loss.item<float>(), m.named_parameters().ToDictionary(np => np.name, np => np.parameter.grad!.clone()));
    }
}
