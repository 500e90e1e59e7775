using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Tests.Model;
using T1.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

[Collection(TorchCollection.Name)]
public class GradientPartsTests
{
    [Fact]
    public void PartsDifferentiatedOnSeparateThreads_AddUpToTheWholeBatchsGradient_AndTheSameEachTime()
    {
        torch.manual_seed(3);
        using var m = new DecoderLM(TestConfigs.Micro());
        var trainable = m.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToList();
        var ids = randint(0, 64, [6, 12], dtype: int64);
        var targets = randint(0, 64, [6, 12], dtype: int64);
        Tensor Loss(long start, long rows)
        {
            var (logp, _) = TokenLogProbs.OfNextTokens(m, ids.narrow(0, start, rows), targets.narrow(0, start, rows));
            return -logp.sum() / (6.0 * 12);
        }

        foreach (var p in trainable) p.grad = null;
        Loss(0, 6).backward();
        var whole = trainable.Select(p => p.grad!.clone()).ToList();

        float[][] InParts()
        {
            foreach (var p in trainable) p.grad = null;
            var parts = CpuWorkers.Run(3, 3, k =>
            {
                using var scope = NewDisposeScope();
                return GradientParts.Of(Loss(2 * k, 2), trainable);
            });
            GradientParts.AddInto(trainable, parts);
            return trainable.Select(p => p.grad!.data<float>().ToArray()).ToArray();
        }
        var first = InParts();
        for (int i = 0; i < trainable.Count; i++)
            Assert.True(allclose(whole[i], trainable[i].grad!, rtol: 1e-4, atol: 1e-6), $"parameter {i}: the parts' sum differs from the whole batch's gradient");
        Assert.Equal(first, InParts()); // bit for bit, whichever thread finished first

        // Gradients already held are added to, as backward() would.
        GradientParts.AddInto(trainable, [trainable.Select(p => (Tensor?)p.grad!.clone()).ToArray()]);
        Assert.True(allclose(trainable[0].grad!, whole[0] * 2, rtol: 1e-4, atol: 1e-6));
    }
}
