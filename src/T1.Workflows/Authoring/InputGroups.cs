using T1.Workflows.Steps;

namespace T1.Workflows.Authoring;

/// <summary>Which part of a step's form an input belongs to.</summary>
public enum InputGroup
{
    /// <summary>Declared <c>Required = true</c>: always shown, first.</summary>
    Required,
    /// <summary>Neither required nor advanced: shown.</summary>
    Common,
    /// <summary>Declared <c>Advanced = true</c>: collapsed until opened (or until one of them has a value or a problem).</summary>
    Advanced,
}

/// <summary>A step type's inputs split into the designer's form groups, from their declarations, each in declaration order.</summary>
public static class InputGroups
{
    public static InputGroup Of(StepInputDescriptor input) =>
        input.Required ? InputGroup.Required : input.Advanced ? InputGroup.Advanced : InputGroup.Common;

    /// <summary>The non-empty groups in form order: required, common, advanced.</summary>
    public static IReadOnlyList<(InputGroup Group, IReadOnlyList<StepInputDescriptor> Inputs)> Of(StepTypeDescriptor type) =>
        Enum.GetValues<InputGroup>()
            .Select(g => (Group: g, Inputs: (IReadOnlyList<StepInputDescriptor>)type.Inputs.Where(i => Of(i) == g).ToList()))
            .Where(x => x.Inputs.Count > 0)
            .ToList();
}
