namespace T1.Storage.Database;

/// <summary>
/// One change of a run's or a step's status, as Hangfire keeps a job's state history: from, to,
/// when, by whom (<c>user</c>, <c>schedule</c>, <c>engine</c>, <c>worker NAME</c>,
/// <c>reconciler NAME</c>) and why. Written only by the engine's state writer, in the same
/// transaction as the change, so the history is complete; an attempt's error stays here after the
/// step's <c>Error</c> is overwritten by the next attempt.
/// </summary>
public sealed class StateTransitionRecord
{
    public long Id { get; set; }
    public required string RunId { get; set; }
    /// <summary>Null for a transition of the run itself.</summary>
    public string? StepId { get; set; }
    /// <summary>The step's attempt number after the transition (null for the run).</summary>
    public int? Attempt { get; set; }
    /// <summary>Null when the run or step was created.</summary>
    public string? From { get; set; }
    public required string To { get; set; }
    public DateTime At { get; set; }
    public required string By { get; set; }
    public string? Reason { get; set; }
}
