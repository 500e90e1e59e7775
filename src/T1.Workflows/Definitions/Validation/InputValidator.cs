using System.Text.Json.Nodes;
using T1.Workflows.Definitions.Expressions;
using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>
/// Checks a step's `with:` against its step type's declared inputs (read from the
/// <see cref="StepCatalog"/> only): unknown and missing inputs, literal kinds, ranges, allowed
/// values, the kinds of whole-value expressions when those are known statically, and the pattern of an input against
/// the default of a param it takes whole (so an API key written as a param default is refused where it is written).
/// </summary>
internal sealed class InputValidator(DiagnosticBag bag, Func<ExpressionReference, ValueKind?> kindOf, Func<string, YNode?> paramDefault)
{
    public void Validate(DraftStep step, StepTypeDescriptor type)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        if (step.With is { } with)
        {
            foreach (var (key, value) in WorkflowReader.UniqueEntries(with, bag, "input"))
            {
                if (type.FindInput(key.Value) is not { } input)
                {
                    var names = type.Inputs.Select(i => i.Name).ToList();
                    var hint = Suggestions.Closest(key.Value, names) is { } s ? $"; did you mean '{s}'?"
                        : names.Count == 0 ? $"; '{type.Name}' takes no inputs" : $"; its inputs are: {string.Join(", ", names)}";
                    bag.Error(key, $"{step.Label}: step type '{type.Name}' has no input '{key.Value}'{hint}");
                    continue;
                }
                if (value is YScalar { IsPlain: true, Value: "" or "~" or "null" }) continue;
                given.Add(input.Name);
                Check(step, input, value, input.Kind, input.ElementKind);
            }
        }
        foreach (var input in type.Inputs.Where(i => i.Required && !given.Contains(i.Name)))
            bag.Error((YNode?)step.WithKey ?? step.Node, $"{step.Label}: missing required input '{input.Name}' of step type '{type.Name}'");
    }

    private void Check(DraftStep step, StepInputDescriptor input, YNode value, ValueKind kind, ValueKind? elementKind)
    {
        var anyObject = ValueKinds.AnyObject(input);
        if (value is YScalar s && Template.HasExpression(s.Value))
        {
            CheckExpression(step, input, s, kind, anyObject);
            return;
        }
        string? problem = null;
        switch (value)
        {
            case YScalar scalar when YamlValues.Scalar(scalar) is { } json:
                problem = ValueKinds.CheckScalar(json, kind, input);
                break;
            case YSequence seq when kind == ValueKind.List:
                if (elementKind is { } ek)
                    foreach (var item in seq.Items)
                        Check(step, input, item, ek, null);
                break;
            case YMapping when kind == ValueKind.Object:
                break;
            case YSequence or YMapping when !anyObject:
                problem = $"must be {ValueKinds.Describe(kind)}, not {WorkflowReader.Describe(value)}";
                break;
        }
        if (problem is not null) bag.Error(value, $"{step.Label}: input '{input.Name}' {problem}");
    }

    private void CheckExpression(DraftStep step, StepInputDescriptor input, YScalar value, ValueKind kind, bool anyObject)
    {
        var whole = Template.Whole(value.Value);
        if (whole is { Reference: null }) return; // malformed: reported with the expressions
        if (whole is null)
        {
            // Text with embedded expressions is text; only its errors (reported elsewhere) are known now.
            if (Template.Split(value.Value).Any(p => p.Error is not null)) return;
            if (!ValueKinds.Fits(ValueKind.String, kind, anyObject))
                bag.Error(value, $"{step.Label}: input '{input.Name}' must be {ValueKinds.Describe(kind)}, but '{value.Value}' is text");
            return;
        }
        var reference = whole.Value.Reference!;
        if (kindOf(reference) is { } source && !ValueKinds.Fits(source, kind, anyObject))
            bag.Error(value, $"{step.Label}: input '{input.Name}' must be {ValueKinds.Describe(kind)}, but '{reference.Text}' is {ValueKinds.Describe(source)}");
        // Reported at the default (what to fix) and without its value: it may be a secret.
        if (reference.Kind == ReferenceKind.Param && input.Pattern is { } pattern && paramDefault(reference.Name) is YScalar d
            && YamlValues.Scalar(d) is JsonValue json && json.TryGetValue<string>(out var text)
            && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
            bag.Error(d, $"param '{reference.Name}' (input '{input.Name}' of {step.Label}): its default {input.PatternMessage ?? $"must match {pattern}"}");
    }
}
