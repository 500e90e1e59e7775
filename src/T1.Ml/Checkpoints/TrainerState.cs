using System.Text.Json.Nodes;

namespace T1.Ml.Checkpoints;

/// <summary>
/// What a trainer needs besides weights and optimizer moments to continue exactly where it stopped.
/// Saved as trainer_state.json; the torch RNG state is captured by <see cref="Checkpoint.Save"/> and
/// restored by <see cref="Checkpoint.Resume"/>.
/// </summary>
public sealed record TrainerState
{
    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; init; }

    /// <summary>Where the data stream continues (e.g. examples consumed, or an epoch-relative index).</summary>
    public long DataPosition { get; init; }

    /// <summary>The run's seed.</summary>
    public long Seed { get; init; }

    /// <summary>Anything else the trainer wants back (schedules, anchor bookkeeping, metrics); arbitrary JSON.</summary>
    public JsonObject? Extra { get; init; }

    /// <summary>torch's CPU generator state at save time (filled in by Save).</summary>
    public byte[]? RngState { get; init; }
}
