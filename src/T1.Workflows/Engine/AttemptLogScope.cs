using System.Collections;

namespace T1.Workflows.Engine;

/// <summary>
/// The logging scope of a step attempt: every log line written while it runs (the step's, the stores', the engine's)
/// carries <c>RunId</c>, <c>StepId</c>, <c>Attempt</c> and <c>Worker</c> — as attributes for structured sinks
/// (OpenTelemetry), as <c>run ID step ID try N</c> on the console.
/// </summary>
public sealed class AttemptLogScope(string runId, string stepId, int attempt, string worker) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _items =
        [new("RunId", runId), new("StepId", stepId), new("Attempt", attempt), new("Worker", worker)];

    public KeyValuePair<string, object?> this[int index] => _items[index];
    public int Count => _items.Length;
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public override string ToString() => $"run {runId} step {stepId} try {attempt}";
}
