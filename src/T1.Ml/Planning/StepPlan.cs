namespace T1.Ml.Planning;

/// <summary>
/// One step of a plan: its model and estimate, or why it was not planned (<see cref="Skipped"/>: e.g. a model
/// folder that exists only on the worker).
/// </summary>
public sealed record StepPlan(string StepId, string Uses, string Device, PlanModel? Model, StepMemoryEstimate? Estimate, string? Skipped = null);
