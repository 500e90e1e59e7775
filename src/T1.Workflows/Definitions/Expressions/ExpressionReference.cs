namespace T1.Workflows.Definitions.Expressions;

public enum ReferenceKind
{
    /// <summary><c>${{ params.NAME }}</c></summary>
    Param,
    /// <summary><c>${{ steps.ID.outputs.NAME }}</c></summary>
    StepOutput,
}

/// <summary>
/// One well-formed <c>${{ }}</c> expression. <see cref="Text"/> is the expression as written;
/// <see cref="StepId"/> is null for a param.
/// </summary>
public sealed record ExpressionReference(string Text, ReferenceKind Kind, string? StepId, string Name)
{
    public override string ToString() => Text;
}

/// <summary>An expression that cannot be resolved: malformed, or naming a value that is missing at run time.</summary>
public sealed class ExpressionException(string expression, string message) : Exception(message)
{
    public string Expression { get; } = expression;
}
