using T1.Ml.Compute;
using T1.Ml.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

[Collection(TorchCollection.Name)]
public class TrainingSmokeTests
{
    [Fact]
    public void AdamW_OverfitsOneSequence_LossNearZero()
    {
        torch.manual_seed(3);
        using var m = new DecoderLM(TestConfigs.Micro());
        using var opt = m.CreateAdamW(lr: 3e-3, weightDecay: 0.01);
        var seq = tensor(new long[] { 5, 17, 3, 42, 8, 8, 21, 60, 1, 33, 12, 7, 50, 2, 9, 40 }).unsqueeze(0); // (1, 16)
        var input = seq.narrow(1, 0, 15);
        var target = seq.narrow(1, 1, 15);
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var logits = m.forward(input); // (1, 15, V)
            var loss = nn.functional.cross_entropy(logits.view(-1, 64), target.reshape(-1));
            loss.backward();
            opt.step();
            last = TensorValues.Float(loss);
            Assert.True(float.IsFinite(last), $"loss at step {step} is {last}");
            if (step == 0) first = last;
        }
        Assert.InRange(first, 3.5f, 4.8f); // ≈ ln 64 at initialisation
        Assert.True(last < 0.05f, $"loss after 200 steps {last}");
    }

    [Fact]
    public void WeightDecay_GoesOnlyToMatrices()
    {
        using var m = new DecoderLM(TestConfigs.Micro(tied: false));
        Assert.All(m.DecayParameters(), p => Assert.True(p.dim() >= 2));
        Assert.All(m.NoDecayParameters(), p => Assert.True(p.dim() < 2));
        Assert.Equal(m.parameters().Count(), m.DecayParameters().Count() + m.NoDecayParameters().Count());
        Assert.Contains(m.NoDecayParameters(), p => p.shape.SequenceEqual(new long[] { 32 })); // a norm weight
    }
}
