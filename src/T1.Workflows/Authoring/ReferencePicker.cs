using T1.Workflows.Definitions.Validation;
using T1.Workflows.Steps;

namespace T1.Workflows.Authoring;

/// <summary>One value a `with:` input may refer to: <c>${{ steps.X.outputs.Y }}</c> or <c>${{ params.NAME }}</c>.</summary>
public sealed record ReferenceOption(string Expression, string? StepId, string Name, ValueKind? Kind, string Description);

/// <summary>
/// What the picker next to an input offers: outputs of the steps the step needs (directly or
/// transitively) whose kind fits the input. Stricter than the validator, which leaves text to
/// run time: an artifact input is offered artifacts (of the artifact kind it declares: a checkpoint
/// input no dataset), an integer input integers, a text input any scalar.
/// </summary>
public static class ReferencePicker
{
    public static IReadOnlyList<ReferenceOption> Outputs(WorkflowDocument doc, string stepId, StepInputDescriptor input, StepCatalog catalog)
    {
        doc.Step(stepId);
        var options = new List<ReferenceOption>();
        foreach (var upstream in doc.Upstream(stepId))
        {
            if (catalog.Find(upstream.Uses) is not { } type) continue;
            foreach (var output in type.Outputs.Where(o => Fits(o.Kind, input) && FitsArtifact(o, input)))
                options.Add(new ReferenceOption(Expressions.OutputReference(upstream.Id, output.Name), upstream.Id, output.Name, output.Kind,
                    $"{output.Name} of {upstream.Id} ({type.Name}){(output.Description.Length > 0 ? ": " + output.Description : "")}"));
        }
        return options;
    }

    /// <summary>The workflow's params whose default fits the input (params without a default always fit).</summary>
    public static IReadOnlyList<ReferenceOption> Params(WorkflowDocument doc, StepInputDescriptor input) =>
        doc.Params.Select(p => (p, kind: ValueKinds.Of(p.Value)))
            .Where(x => x.kind is null || Fits(x.kind.Value, input))
            .Select(x => new ReferenceOption($"${{{{ params.{x.p.Name} }}}}", null, x.p.Name, x.kind, $"param {x.p.Name}"))
            .ToList();

    /// <summary>False when both the output and the input declare an artifact kind and the kinds differ.</summary>
    public static bool FitsArtifact(StepOutputDescriptor output, StepInputDescriptor input) =>
        output.ArtifactKind is null || input.ArtifactKind is null || output.ArtifactKind == input.ArtifactKind;

    /// <summary>Whether a value of kind <paramref name="source"/> is a sensible choice for <paramref name="input"/>.</summary>
    public static bool Fits(ValueKind source, StepInputDescriptor input) => input.Kind switch
    {
        _ when ValueKinds.AnyObject(input) => true,
        ValueKind.String => source is not (ValueKind.List or ValueKind.Object),
        ValueKind.Number => source is ValueKind.Number or ValueKind.Integer,
        ValueKind.Duration => source is ValueKind.Duration or ValueKind.String,
        var k => source == k,
    };
}
