using System.Text.Json.Nodes;

namespace T1.Workflows.Definitions;

/// <summary>
/// How often a step is tried. <see cref="Attempts"/> counts total tries, the first included:
/// 1 (the default) means one try and no retry; 3 means up to two retries, <see cref="Backoff"/> apart.
/// </summary>
public sealed record RetryPolicy(int Attempts, TimeSpan Backoff)
{
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(10);

    public static readonly RetryPolicy Default = new(1, DefaultBackoff);

    /// <summary>
    /// Tries a step gets when its worker dies (no heartbeat), whatever <see cref="Attempts"/> says:
    /// a dead attempt counts as a failed try, and after this many (or Attempts, if more) the step fails.
    /// </summary>
    public const int DeathsTolerated = 3;
}

/// <summary>One validated step of a workflow, as written (expressions in <see cref="With"/> are unresolved).</summary>
public sealed class StepDefinition
{
    public const bool DefaultCache = true;

    public required string Id { get; init; }

    /// <summary>The step type, a name in the <see cref="Steps.StepCatalog"/>.</summary>
    public required string Uses { get; init; }

    /// <summary>Direct dependencies, in the order written, without duplicates.</summary>
    public required IReadOnlyList<string> Needs { get; init; }

    /// <summary>The queue the step runs on: `queue:` or else the step type's default queue.</summary>
    public required string Queue { get; init; }

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>Whether a previous result for the same step type, version and resolved inputs may be reused.</summary>
    public bool Cache { get; init; } = DefaultCache;

    /// <summary>Per-attempt time limit; null for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The `with:` values in file order, typed as YAML says, expressions still as strings.</summary>
    public required JsonObject With { get; init; }

    /// <summary>Inputs of this step's type that name training or evaluation data (from the type's declaration).</summary>
    public IReadOnlyDictionary<string, Steps.DataRole> DataInputs { get; init; } = new Dictionary<string, Steps.DataRole>();

    /// <summary>1-based position of the step in its file (the start of its mapping).</summary>
    public int Line { get; init; }

    public int Column { get; init; }

    public override string ToString() => $"{Id} ({Uses})";
}
