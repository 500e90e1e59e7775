namespace T1.Ml.Planning;

/// <summary>
/// A step's memory by phase (e.g. load, rollout, update). <see cref="CheckpointDtype"/> is the dtype of the
/// checkpoint the step writes, which a later step loading it reads.
/// </summary>
public sealed record StepMemoryEstimate(IReadOnlyList<MemoryPhase> Phases, PlanDtype CheckpointDtype = PlanDtype.Fp32)
{
    /// <summary>The phase with the most memory.</summary>
    public MemoryPhase Peak => Phases.MaxBy(p => p.Total) ?? throw new InvalidOperationException("an estimate has at least one phase");
}
