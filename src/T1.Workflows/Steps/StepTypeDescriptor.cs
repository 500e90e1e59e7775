namespace T1.Workflows.Steps;

/// <summary>Everything known about a step type, read once from its declaration.</summary>
public sealed record StepTypeDescriptor(
    string Name,
    string Category,
    string Description,
    int Version,
    string DefaultQueue,
    Type HandlerType,
    Type InputsType,
    IReadOnlyList<StepInputDescriptor> Inputs,
    IReadOnlyList<StepOutputDescriptor> Outputs)
{
    /// <summary>False for a step type with side effects outside its outputs (e.g. promote): never reused from the cache.</summary>
    public bool Cacheable { get; init; } = true;

    public StepInputDescriptor? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);
    public StepOutputDescriptor? FindOutput(string name) => Outputs.FirstOrDefault(o => o.Name == name);
}

/// <summary>One declared input: its name in `with:`, type, default and limits.</summary>
public sealed record StepInputDescriptor(
    string Name,
    ValueKind Kind,
    ValueKind? ElementKind,
    bool Required,
    object? DefaultValue,
    double? Minimum,
    double? Maximum,
    IReadOnlyList<string>? OneOf,
    string Description,
    System.Reflection.PropertyInfo Property,
    DataRole Data = DataRole.None)
{
    /// <summary>A regular expression a literal text value must match (from <see cref="System.ComponentModel.DataAnnotations.RegularExpressionAttribute"/>).</summary>
    public string? Pattern { get; init; }

    /// <summary>What validation says when the value does not match <see cref="Pattern"/> (its ErrorMessage); it does not repeat the value, which may be a secret.</summary>
    public string? PatternMessage { get; init; }

    /// <summary>Shown collapsed under "advanced" in the designer (<see cref="StepInputAttribute.Advanced"/>).</summary>
    public bool Advanced { get; init; }

    /// <summary>The artifact kind an artifact input takes (<see cref="StepInputAttribute.Artifact"/>); null: any.</summary>
    public string? ArtifactKind { get; init; }
}

/// <summary>One declared output.</summary>
public sealed record StepOutputDescriptor(string Name, ValueKind Kind, string Description)
{
    /// <summary>What an artifact output is (<see cref="StepOutputAttribute.Artifact"/>); null: not declared.</summary>
    public string? ArtifactKind { get; init; }
}
