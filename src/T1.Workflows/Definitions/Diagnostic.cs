namespace T1.Workflows.Definitions;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem found in a workflow file, at a 1-based line and column. Prints as
/// <c>FILE:LINE:COL: error: MESSAGE</c>, the form editors and CI annotate.
/// </summary>
public sealed record Diagnostic(string File, int Line, int Column, DiagnosticSeverity Severity, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>What <see cref="WorkflowLoader"/> returns: the definition only when there is no error.</summary>
public sealed record WorkflowLoadResult(WorkflowDefinition? Definition, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Definition is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
}
