using T1.Ml.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

[Collection(TorchCollection.Name)]
public class FusedWeightTests
{
    private static readonly long[] Prompt = [3, 9, 27, 4, 11, 2];

    /// <summary>Two models with the same weights; the second fused.</summary>
    private static (DecoderLM Plain, DecoderLM Fused) Pair(int seed)
    {
        torch.manual_seed(seed);
        var plain = new DecoderLM(TestConfigs.Micro());
        torch.manual_seed(seed);
        var fused = new DecoderLM(TestConfigs.Micro());
        fused.FuseProjections();
        return (plain, fused);
    }

    /// <summary>Prefill of <see cref="Prompt"/> with a cache, then <paramref name="steps"/> greedy one-token steps: the logits of every step.</summary>
    private static List<Tensor> Decode(DecoderLM m, int steps)
    {
        var cache = m.NewCache(1, Prompt.Length + steps);
        var all = new List<Tensor> { m.Forward(tensor(Prompt).unsqueeze(0), cache, lastOnly: true) }; // (1, 1, V)
        for (int i = 0; i < steps; i++)
            all.Add(m.Forward(all[^1].argmax(-1), cache, lastOnly: true)); // (1, 1, V)
        cache.Dispose();
        return all;
    }

    private static void AssertClose(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> got)
    {
        Assert.Equal(expected.Count, got.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(got[i].allclose(expected[i], rtol: 1e-5, atol: 1e-5), $"step {i}: max diff {(got[i] - expected[i]).abs().max().to(float64).item<double>()}");
    }

    [Fact]
    public void FusedModel_DecodesAsThePlainOne_AndAsTheFullForward()
    {
        var (plain, fused) = Pair(3);
        using var _ = no_grad();
        var reference = Decode(plain, 5);
        AssertClose(reference, Decode(fused, 5));
        // Batch-1 cached steps against the full causal forward of the same tokens (the position bookkeeping of one-token steps).
        var tokens = Prompt.Concat(reference.Take(5).Select(l => l.argmax(-1).item<long>())).ToArray();
        var full = fused.forward(tensor(tokens).unsqueeze(0)); // (1, T, V)
        for (int i = 0; i < reference.Count; i++)
            Assert.True(full[0, Prompt.Length - 1 + i].allclose(reference[i][0, 0], rtol: 1e-4, atol: 1e-4), $"step {i}");
        plain.Dispose();
        fused.Dispose();
    }

    [Fact]
    public void FuseProjections_KeepsParameterNamesShapesAndValues_OnOneStorage()
    {
        torch.manual_seed(4);
        using var m = new DecoderLM(TestConfigs.Micro());
        var before = m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        m.FuseProjections();
        var after = m.state_dict();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, value) in before)
        {
            Assert.Equal(value.shape, after[name].shape);
            Assert.True(value.allclose(after[name], rtol: 0, atol: 0), name);
        }
        // q, k and v (and gate, up) now lie one after the other in one storage (each had its own, at offset 0, before).
        var q = after["model.layers.1.self_attn.q_proj.weight"];
        var k = after["model.layers.1.self_attn.k_proj.weight"];
        var v = after["model.layers.1.self_attn.v_proj.weight"];
        Assert.Equal(new[] { 0, q.numel(), q.numel() + k.numel() }, new[] { q.storage_offset(), k.storage_offset(), v.storage_offset() });
        Assert.Equal(q.shape[0], after["model.layers.1.self_attn.k_proj.bias"].storage_offset());
        Assert.Equal(after["model.layers.0.mlp.gate_proj.weight"].numel(), after["model.layers.0.mlp.up_proj.weight"].storage_offset());
        Assert.True(after["model.layers.0.self_attn.q_proj.weight"].requires_grad);
    }

    [Fact]
    public void FusedModel_SeesInPlaceUpdatesOfItsParameters()
    {
        var (plain, fused) = Pair(5);
        using var _ = no_grad();
        foreach (var m in new[] { plain, fused })
        {
            torch.manual_seed(6);
            foreach (var p in m.parameters()) p.add_(randn_like(p) * 0.05); // as an optimizer step does
        }
        AssertClose(Decode(plain, 3), Decode(fused, 3));
        plain.Dispose();
        fused.Dispose();
    }

    [Fact]
    public void FusedModel_FallsBackToSeparateProjections_WhenMovedAfterFusing()
    {
        var (plain, fused) = Pair(7);
        using var _ = no_grad();
        plain.to(float64);
        fused.to(float64); // new parameter objects: the fusion no longer holds
        AssertClose(Decode(plain, 3), Decode(fused, 3));
        fused.FuseProjections(); // and fusing again works on the new ones
        AssertClose(Decode(plain, 3), Decode(fused, 3));
        plain.Dispose();
        fused.Dispose();
    }
}
