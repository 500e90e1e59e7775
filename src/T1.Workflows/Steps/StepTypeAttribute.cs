namespace T1.Workflows.Steps;

/// <summary>
/// Declares a class as a workflow step type. This one declaration, together with the
/// inputs record and the <see cref="StepOutputAttribute"/>s, feeds validation, `t1 steps`,
/// the designer's palette and the generated docs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StepTypeAttribute(string name) : Attribute
{
    /// <summary>The name used in `uses:`; lowercase, e.g. <c>sft</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Palette group, e.g. "Built-in", "Data", "Training".</summary>
    public string Category { get; init; } = "General";

    /// <summary>One or two sentences for the palette, `t1 steps` and the docs.</summary>
    public string Description { get; init; } = "";

    /// <summary>Bump when the handler's results change for the same inputs: part of the cache key.</summary>
    public int Version { get; init; } = 1;

    /// <summary>
    /// False when the step acts on the world beyond its outputs (a registry, a deployment): its
    /// result is then never reused from the step cache, whatever `cache:` says.
    /// </summary>
    public bool Cacheable { get; init; } = true;
    /// <summary>Queue used when the workflow does not say `queue:`.</summary>
    public string DefaultQueue { get; init; } = "cpu";
}
