namespace T1.Workflows.Steps;

/// <summary>Declares one named output of a step type (repeat for each output).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class StepOutputAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; init; } = "";

    /// <summary>Artifact outputs are stored content-addressed; their value is an artifact reference.</summary>
    public ValueKind Kind { get; init; } = ValueKind.String;

    /// <summary>For an artifact output, what it is (<c>checkpoint</c>, <c>dataset</c>, <c>report</c>), as the step stores it.</summary>
    public string? Artifact { get; init; }
}
