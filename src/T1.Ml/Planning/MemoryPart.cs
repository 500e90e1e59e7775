namespace T1.Ml.Planning;

/// <summary>
/// One term of a phase's memory: its size, the formula with the numbers it used (for <c>t1 plan -v</c>),
/// and the inputs that shrink it (for the message when a step does not fit).
/// </summary>
public sealed record MemoryPart(MemoryComponent Component, long Bytes, string Formula, string? Remedy = null);
