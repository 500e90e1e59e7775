using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace T1.Workflows.Authoring;

/// <summary>
/// One step on the designer's canvas: everything a step says in YAML, plus where it sits on the
/// canvas. Immutable; every edit makes a new node, which is what makes undo cheap.
/// </summary>
public sealed record StepNode
{
    public required string Id { get; init; }

    /// <summary>The step type (a name in the step catalog); may be unknown while editing.</summary>
    public required string Uses { get; init; }

    /// <summary>Direct dependencies in the order written.</summary>
    public ImmutableArray<string> Needs { get; init; } = [];

    /// <summary>`queue:` as written, or null to use the step type's default queue.</summary>
    public string? Queue { get; init; }

    /// <summary>`retry:` as written, or null for the default (one try).</summary>
    public RetrySetting? Retry { get; init; }

    /// <summary>`cache:` as written, or null for the default (true).</summary>
    public bool? Cache { get; init; }

    /// <summary>`timeout:` as written (a duration such as 30m), or null for none.</summary>
    public string? Timeout { get; init; }

    /// <summary>The `with:` values in order. Values are shared between versions of the document: never mutate them.</summary>
    public ImmutableArray<InputValue> With { get; init; } = [];

    /// <summary>Keys the designer does not know, kept so that emitting does not lose them (validation reports them).</summary>
    public ImmutableArray<InputValue> Unknown { get; init; } = [];

    /// <summary>Canvas position; not part of the YAML.</summary>
    public CanvasPoint? Position { get; init; }

    /// <summary>Index of the step in the imported file, so unchanged text can be kept; null for steps made in the designer.</summary>
    public int? SourceIndex { get; init; }

    /// <summary>The `with:` value of <paramref name="input"/>, or null when it is not set.</summary>
    public JsonNode? Input(string input) => With.FirstOrDefault(w => w.Name == input)?.Value;

    /// <summary>Whether `with:` sets <paramref name="input"/>.</summary>
    public bool HasInput(string input) => With.Any(w => w.Name == input);

    public override string ToString() => $"{Id} ({Uses})";
}

/// <summary>A named value: one `with:` input, one param, or one unknown key.</summary>
public sealed record InputValue(string Name, JsonNode? Value);

/// <summary>`retry:` as written: total attempts and, optionally, a backoff duration such as 30s.</summary>
public sealed record RetrySetting(int Attempts, string? Backoff = null);

/// <summary>Where a step sits on the canvas, in canvas units.</summary>
public readonly record struct CanvasPoint(double X, double Y);
