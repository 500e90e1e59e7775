using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Model;
using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>
/// π_ref of the KL penalty: a frozen copy of the policy that follows it slowly,
/// θ_ref ← γ·θ_ref + (1−γ)·θ every N steps (T1's dynamic anchor). It starts equal to the initial policy.
/// </summary>
public sealed class DynamicAnchor : IDisposable
{
    /// <summary>Folder name of the anchor's weights inside an RL resume checkpoint.</summary>
    public const string FolderName = "anchor";

    /// <summary>A copy of <paramref name="policy"/> on its device and in its dtype, without gradients.</summary>
    public DynamicAnchor(DecoderLM policy)
    {
        Model = DecoderLM.Create(policy.Config, policy.Device, policy.Dtype);
        Model.eval();
        foreach (var p in Model.parameters()) p.requires_grad = false;
        CopyFrom(policy);
    }

    /// <summary>The reference model; use under <c>no_grad()</c>.</summary>
    public DecoderLM Model { get; }

    /// <summary>Anchor refreshes so far.</summary>
    public long Updates { get; private set; }

    /// <summary>θ_ref ← γ·θ_ref + (1−γ)·θ for every parameter (γ = 1 keeps the anchor fixed, 0 copies the policy).</summary>
    public void Update(DecoderLM policy, double gamma)
    {
        if (gamma is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be between 0 and 1");
        using var _ = no_grad();
        var current = policy.state_dict();
        foreach (var (name, r) in Model.state_dict())
        {
            if (r.is_floating_point()) r.TimesInPlace(gamma).PlusScaledInPlace(current[name], 1 - gamma);
        }
        Updates++;
    }

    /// <summary>Refreshes the anchor when <paramref name="step"/> is a multiple of <paramref name="every"/>; true when it did.</summary>
    public bool MaybeUpdate(long step, int every, DecoderLM policy, double gamma)
    {
        if (every < 1 || step % every != 0) return false;
        Update(policy, gamma);
        return true;
    }

    /// <summary>Writes the anchor as a loadable checkpoint folder <c>anchor/</c> inside <paramref name="checkpointDirectory"/>.</summary>
    public void Save(string checkpointDirectory) => Checkpoint.Save(Path.Combine(checkpointDirectory, FolderName), Model);

    /// <summary>Reads the anchor saved by <see cref="Save"/>; false (anchor unchanged) when the folder has none.</summary>
    public bool TryLoad(string checkpointDirectory, long updates)
    {
        var dir = Path.Combine(checkpointDirectory, FolderName);
        if (!Directory.Exists(dir)) return false;
        Checkpoint.LoadWeights(dir, Model);
        Updates = updates;
        return true;
    }

    private void CopyFrom(DecoderLM policy)
    {
        using var _ = no_grad();
        var source = policy.state_dict();
        foreach (var (name, r) in Model.state_dict()) r.copy_(source[name]);
    }

    public void Dispose() => Model.Dispose();
}
