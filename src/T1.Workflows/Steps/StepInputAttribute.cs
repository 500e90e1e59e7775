namespace T1.Workflows.Steps;

/// <summary>
/// Marks a property of a step's inputs record as a declared input. The input's name is the
/// property name in snake_case (<c>SamplesPerPrompt</c> → <c>samples_per_prompt</c>) unless
/// <see cref="Name"/> says otherwise. The default is the property's initial value.
/// Ranges come from <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class StepInputAttribute : Attribute
{
    public string? Name { get; init; }
    public string Description { get; init; } = "";
    public bool Required { get; init; }

    /// <summary>Overrides the kind inferred from the property type (e.g. <see cref="ValueKind.Artifact"/> for a string).</summary>
    public ValueKind Kind { get; init; } = ValueKind.Auto;

    /// <summary>Allowed values for a string input (shown as a drop-down in the designer).</summary>
    public string[]? OneOf { get; init; }

    /// <summary>Whether the input names training or evaluation data (checked for overlap across the workflow's steps).</summary>
    public DataRole Data { get; init; }

    /// <summary>A tuning knob most workflows leave at its default: the designer shows it under "advanced", collapsed.</summary>
    public bool Advanced { get; init; }

    /// <summary>For an artifact input, the kind of artifact it takes (<c>checkpoint</c>, <c>dataset</c>, <c>report</c>): the designer's picker offers only outputs of that kind.</summary>
    public string? Artifact { get; init; }
}
