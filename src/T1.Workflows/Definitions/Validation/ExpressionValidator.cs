using T1.Workflows.Definitions.Expressions;
using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>
/// Checks every <c>${{ }}</c> in `with:` values, at any depth: syntax, the param, the step and the
/// output it names, and that the referenced step is among the step's (transitive) needs.
/// The needs check looks at direct needs first (O(1), the common case) and walks the graph once
/// per step only for the references that remain.
/// </summary>
internal sealed class ExpressionValidator(DraftWorkflow workflow, StepGraph graph, DiagnosticBag bag, string sourceText)
{
    private readonly string[] _lines = sourceText.Split('\n');

    private readonly Dictionary<string, YNode> _params = workflow.Params
        .GroupBy(p => p.Key.Value).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>The statically known kind of a reference's value (param default, declared output), if any.</summary>
    public ValueKind? KindOf(ExpressionReference r)
    {
        if (r.Kind == ReferenceKind.Param)
            return _params.TryGetValue(r.Name, out var node) ? ValueKinds.Of(YamlValues.ToJson(node)) : null;
        return graph.Find(r.StepId!)?.Type?.FindOutput(r.Name)?.Kind;
    }

    /// <summary>The default of param <paramref name="name"/> as written (null when the workflow declares no such param).</summary>
    public YNode? ParamDefault(string name) => _params.GetValueOrDefault(name);

    public void Validate(DraftStep step)
    {
        if (step.With is null) return;
        var indirect = new Dictionary<int, (YScalar Node, ExpressionReference Ref)>();
        foreach (var (key, value) in step.With.Entries)
        {
            var stack = new Stack<YNode>();
            stack.Push(value);
            while (stack.Count > 0)
            {
                switch (stack.Pop())
                {
                    case YSequence seq:
                        for (var i = seq.Items.Count - 1; i >= 0; i--) stack.Push(seq.Items[i]);
                        break;
                    case YMapping map:
                        for (var i = map.Entries.Count - 1; i >= 0; i--) stack.Push(map.Entries[i].Value);
                        break;
                    case YScalar s when Template.HasExpression(s.Value):
                        foreach (var part in Template.Split(s.Value))
                            CheckPart(step, key.Value, s, part, indirect);
                        break;
                }
            }
        }
        if (indirect.Count == 0) return;
        var reachable = graph.AncestorsAmong(step, indirect.Keys.ToHashSet());
        foreach (var (target, (node, r)) in indirect)
            if (!reachable.Contains(target))
                Error(node, r.Text, $"{step.Label}: '{r.Text}' uses step '{r.StepId}', which is not among its needs; add '{r.StepId}' to needs");
    }

    private void CheckPart(DraftStep step, string input, YScalar node, TemplatePart part,
        Dictionary<int, (YScalar, ExpressionReference)> indirect)
    {
        var where = $"{step.Label}, input '{input}'";
        if (part.Error is { } error)
        {
            Error(node, part.Text, $"{where}: {error}");
            return;
        }
        if (part.Reference is not { } r) return;
        if (r.Kind == ReferenceKind.Param)
        {
            if (!_params.ContainsKey(r.Name))
            {
                var hint = Suggestions.Closest(r.Name, _params.Keys) is { } s ? $"; did you mean '{s}'?"
                    : _params.Count == 0 ? "; this workflow declares no params" : $"; declared params: {string.Join(", ", _params.Keys)}";
                Error(node, r.Text, $"{where}: unknown param '{r.Name}' in '{r.Text}'{hint}");
            }
            return;
        }
        if (graph.Find(r.StepId!) is not { } target)
        {
            Error(node, r.Text, $"{where}: unknown step '{r.StepId}' in '{r.Text}'{Suggestions.DidYouMean(r.StepId!, graph.Ids)}");
            return;
        }
        if (target == step)
        {
            Error(node, r.Text, $"{where}: '{r.Text}' refers to the step's own output; a step can only use outputs of steps it needs");
            return;
        }
        if (target.Type is { } type && type.FindOutput(r.Name) is null)
        {
            var names = type.Outputs.Select(o => o.Name).ToList();
            var hint = Suggestions.Closest(r.Name, names) is { } s ? $"; did you mean '{s}'?"
                : names.Count == 0 ? "; it has no outputs" : $"; its outputs are: {string.Join(", ", names)}";
            Error(node, r.Text, $"{where}: step '{r.StepId}' ({type.Name}) has no output '{r.Name}'{hint}");
        }
        if (!graph.NeedsDirectly(step, target)) indirect.TryAdd(target.Index, (node, r));
    }

    /// <summary>Reports at the expression itself when it sits on the scalar's first line as written, else at the scalar.</summary>
    private void Error(YScalar node, string expression, string message)
    {
        var firstLine = expression.Split('\n')[0];
        if (node.Line - 1 < _lines.Length && node.Column - 1 <= _lines[node.Line - 1].Length)
        {
            var at = _lines[node.Line - 1].IndexOf(firstLine, node.Column - 1, StringComparison.Ordinal);
            if (at >= 0)
            {
                bag.Error(node.Line, at + 1, message);
                return;
            }
        }
        bag.Error(node, message);
    }
}
