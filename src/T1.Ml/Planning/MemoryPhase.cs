namespace T1.Ml.Planning;

/// <summary>
/// What a step holds at the peak of one of its phases (load, train, rollout, update, …): the sum of its
/// parts. A step's peak is the largest of its phases.
/// </summary>
public sealed record MemoryPhase(string Name, IReadOnlyList<MemoryPart> Parts)
{
    public long Total => Parts.Sum(p => p.Bytes);

    /// <summary>Bytes of one component in this phase (0 when absent).</summary>
    public long Of(MemoryComponent component) => Parts.Where(p => p.Component == component).Sum(p => p.Bytes);

    /// <summary>The largest part that says how to shrink it, for the message when the phase does not fit.</summary>
    public MemoryPart? LargestReducible => Parts.Where(p => p.Remedy is not null).MaxBy(p => p.Bytes);
}
