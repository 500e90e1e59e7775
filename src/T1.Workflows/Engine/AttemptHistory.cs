using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>One try of a step as its history tells it: who ran it, from when to when, and how it ended.</summary>
/// <param name="Worker">The process that ran it (<c>HOST:PID</c> or the worker's configured name).</param>
/// <param name="Outcome">The status the try ended in (<c>succeeded</c>, <c>queued</c> for a retry or a re-queue, …); null while it runs.</param>
/// <param name="Reason">Why it ended: the error of a failed try, the reconciler's note on a dead worker, …</param>
public sealed record AttemptSummary(string StepId, int Attempt, string Worker, DateTime StartedAt, DateTime? EndedAt, string? Outcome, string? Reason);

/// <summary>The attempts of a run's steps, read from its state transitions (<c>t1 show</c>).</summary>
public static class AttemptHistory
{
    private const string Running = nameof(StepStatus.Running);

    public static IReadOnlyList<AttemptSummary> From(IEnumerable<StateTransitionRecord> history)
    {
        var result = new List<AttemptSummary>();
        var open = new Dictionary<string, int>(); // step id → index of its running attempt in result
        foreach (var t in history.Where(t => t.StepId is not null).OrderBy(t => t.Id))
        {
            var step = t.StepId!;
            if (string.Equals(t.From, Running, StringComparison.OrdinalIgnoreCase) && open.Remove(step, out var i))
                result[i] = result[i] with { EndedAt = t.At, Outcome = t.To.ToLowerInvariant(), Reason = t.Reason };
            if (string.Equals(t.To, Running, StringComparison.OrdinalIgnoreCase))
            {
                open[step] = result.Count;
                result.Add(new AttemptSummary(step, t.Attempt ?? 0, WorkerOf(t.By), t.At, null, null, null));
            }
        }
        return result;
    }

    /// <summary>The process named by an actor (<c>worker HOST:PID</c> → <c>HOST:PID</c>).</summary>
    private static string WorkerOf(string by) => by.StartsWith("worker ", StringComparison.Ordinal) ? by["worker ".Length..] : by;
}
