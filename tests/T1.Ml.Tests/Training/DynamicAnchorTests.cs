using T1.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class DynamicAnchorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-anchor-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Update_IsTheEma_OfAnchorAndPolicy()
    {
        using var policy = RlTestKit.Model(1);
        using var anchor = new DynamicAnchor(policy);
        var start = anchor.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using (no_grad())
            foreach (var p in policy.parameters()) p.add_(1.0);

        anchor.Update(policy, gamma: 0.75);

        var now = policy.state_dict();
        foreach (var (name, r) in anchor.Model.state_dict())
        {
            var expected = start[name] * 0.75 + now[name] * 0.25; // θ_ref ← γ·θ_ref + (1−γ)·θ
            Assert.True(r.allclose(expected, rtol: 1e-5, atol: 1e-6), name);
        }
        Assert.Equal(1, anchor.Updates);
        Assert.All(anchor.Model.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void MaybeUpdate_OnlyEveryNSteps()
    {
        using var policy = RlTestKit.Model(2);
        using var anchor = new DynamicAnchor(policy);
        var updated = Enumerable.Range(1, 10).Where(s => anchor.MaybeUpdate(s, every: 4, policy, gamma: 0.9)).ToArray();
        Assert.Equal([4, 8], updated);
        Assert.Equal(2, anchor.Updates);
    }

    [Fact]
    public void SaveThenLoad_RestoresTheAnchorWeights()
    {
        using var policy = RlTestKit.Model(3);
        using var anchor = new DynamicAnchor(policy);
        using (no_grad())
            foreach (var p in policy.parameters()) p.mul_(0.5);
        anchor.Update(policy, 0.5);
        anchor.Save(_root);

        using var other = new DynamicAnchor(policy); // starts equal to the (changed) policy
        Assert.True(other.TryLoad(_root, updates: 1));
        var saved = anchor.Model.state_dict();
        foreach (var (name, t) in other.Model.state_dict()) Assert.True(t.allclose(saved[name], rtol: 0, atol: 0), name);
        Assert.False(new DynamicAnchor(policy).TryLoad(Path.Combine(_root, "nowhere"), 0));
    }
}
