namespace T1.Workflows.Definitions.Validation;

/// <summary>Collects every problem of one file; reported sorted by position.</summary>
internal sealed class DiagnosticBag(string file)
{
    private readonly List<Diagnostic> _items = [];

    public string File { get; } = file;

    public bool HasErrors => _items.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(YNode node, string message) => Error(node.Line, node.Column, message);

    public void Error(int line, int column, string message) =>
        _items.Add(new Diagnostic(File, Math.Max(1, line), Math.Max(1, column), DiagnosticSeverity.Error, message));

    public IReadOnlyList<Diagnostic> Sorted() => _items.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
}
