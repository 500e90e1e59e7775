using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>The workflow as read from YAML, with the nodes kept for positions; validated before it becomes a definition.</summary>
internal sealed class DraftWorkflow
{
    public required YMapping Root { get; init; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Schedule { get; set; }
    public List<(YScalar Key, YNode Value)> Params { get; } = [];
    public List<DraftStep> Steps { get; } = [];
}

internal sealed class DraftStep
{
    public required YMapping Node { get; init; }

    /// <summary>Position in <see cref="DraftWorkflow.Steps"/>.</summary>
    public required int Index { get; init; }

    /// <summary>1-based position in the file's step list, for messages about steps without an id.</summary>
    public required int Number { get; init; }

    public YScalar? IdNode { get; set; }
    public string? Id => IdNode?.Value;
    public YScalar? UsesNode { get; set; }
    public StepTypeDescriptor? Type { get; set; }
    public YScalar? NeedsKey { get; set; }
    public List<YScalar> Needs { get; } = [];
    public string? Queue { get; set; }
    public RetryPolicy Retry { get; set; } = RetryPolicy.Default;
    public bool Cache { get; set; } = StepDefinition.DefaultCache;
    public TimeSpan? Timeout { get; set; }
    public YScalar? WithKey { get; set; }
    public YMapping? With { get; set; }

    /// <summary>"step 'id'" or "step #n" when it has no id, for messages.</summary>
    public string Label => Id is { Length: > 0 } id ? $"step '{id}'" : $"step #{Number}";
}
