using T1.Ml.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

/// <summary>The AdamW step taken one parameter (slice) at a time gives TorchSharp's AdamW's weights and moments.</summary>
[Collection(TorchCollection.Name)]
public sealed class SlicedAdamWTests
{
    [Fact]
    public void SlicedAdamW_GivesTorchSharpAdamWWeights_OverSeveralSteps()
    {
        var cfg = TestConfigs.Micro(tied: false);
        torch.manual_seed(5);
        using var a = new DecoderLM(cfg);
        using var b = new DecoderLM(cfg);
        b.load_state_dict(a.state_dict());
        using var reference = optim.AdamW(Groups(a), lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.1);
        using var sliced = b.CreateAdamW(lr: 1e-2, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8);
        Assert.IsType<SlicedAdamW>(sliced);
        for (int step = 0; step < 4; step++)
        {
            var batch = randint(0, cfg.VocabSize, [3, 9]);
            Backward(a, batch);
            Backward(b, batch);
            reference.step();
            sliced.step();
            reference.zero_grad();
            sliced.zero_grad();
        }
        var sa = a.state_dict();
        foreach (var (name, p) in b.state_dict())
            Assert.True(p.allclose(sa[name], rtol: 1e-6, atol: 1e-7), $"{name}: max |Δ| {(p - sa[name]).abs().max().item<float>()}");
    }

    [Fact]
    public void Step_OverSlices_EqualsTheStepOverTheWholeParameter()
    {
        torch.manual_seed(6);
        var grad = randn(10, 6);
        var whole = new Parameter(randn(10, 6));
        var parts = new Parameter(whole.detach().clone());
        using var optWhole = optim.AdamW([whole], lr: 0.1, weight_decay: 0.1);
        using var optParts = optim.AdamW([parts], lr: 0.1, weight_decay: 0.1);
        var options = (AdamW.Options)optWhole.ParamGroups.Cast<AdamW.ParamGroup>().Single().Options;
        var stateWhole = (AdamW.State)optWhole.state_dict().State[0];
        var stateParts = (AdamW.State)optParts.state_dict().State[0];
        using (no_grad())
        {
            for (int i = 0; i < 3; i++)
            {
                AdamWSlices.Step(whole, grad, stateWhole, options);
                AdamWSlices.Step(parts, grad, stateParts, options, sliceElements: 13); // slices of 2 rows (12 elements)
            }
        }
        Assert.Equal(3, stateParts.step);
        Assert.True(parts.allclose(whole, rtol: 1e-6, atol: 1e-7));
        Assert.True(stateParts.exp_avg_sq.allclose(stateWhole.exp_avg_sq, rtol: 1e-6, atol: 1e-9));
    }

    [Fact]
    public void MasterWeightsAdamW_Step_LeavesNoGradients_AndBf16WeightsEqualTheirMasters()
    {
        var cfg = TestConfigs.Micro();
        torch.manual_seed(7);
        using var m = DecoderLM.Create(cfg, CPU, ScalarType.BFloat16);
        using var opt = Assert.IsType<MasterWeightsAdamW>(m.CreateAdamW(lr: 1e-2));
        Backward(m, randint(0, cfg.VocabSize, [2, 9]));
        Assert.All(m.parameters(), p => Assert.NotNull(p.grad));
        opt.step();
        Assert.All(m.parameters(), p => Assert.Null(p.grad));
        var masters = opt.parameters().ToList(); // the decay group, then the others, each in the model's order
        Assert.All(masters, p => Assert.Null(p.grad));
        var weights = m.DecayParameters().Concat(m.NoDecayParameters()).ToList();
        Assert.Equal(weights.Count, masters.Count);
        for (int i = 0; i < weights.Count; i++)
            Assert.True((weights[i] == masters[i].to(ScalarType.BFloat16)).all().item<bool>(), $"parameter {i}");
    }

    private static List<AdamW.ParamGroup> Groups(DecoderLM m) =>
    [
        new(m.DecayParameters(), lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.1),
        new(m.NoDecayParameters(), lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.0),
    ];

    private static void Backward(DecoderLM m, Tensor batch)
    {
        using var scope = NewDisposeScope();
        var (logp, _) = TokenLogProbs.OfNextTokens(m, batch.narrow(1, 0, 8), batch.narrow(1, 1, 8));
        (-logp.mean()).backward();
    }
}
