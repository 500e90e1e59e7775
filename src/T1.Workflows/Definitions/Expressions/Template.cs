using System.Text.RegularExpressions;

namespace T1.Workflows.Definitions.Expressions;

/// <summary>One piece of a string value: literal text, or an expression (well-formed or not).</summary>
internal readonly record struct TemplatePart(string Text, ExpressionReference? Reference, string? Error)
{
    public bool IsLiteral => Reference is null && Error is null;
}

/// <summary>
/// Splits a string into literal text and <c>${{ ... }}</c> expressions. The grammar is deliberately
/// small: <c>params.NAME</c> or <c>steps.ID.outputs.NAME</c>, names of letters, digits, '_' and '-'.
/// </summary>
internal static partial class Template
{
    public const string Open = "${{";
    public const string Close = "}}";

    public static bool HasExpression(string text) => text.Contains(Open, StringComparison.Ordinal);

    public static List<TemplatePart> Split(string text)
    {
        var parts = new List<TemplatePart>();
        var pos = 0;
        while (pos < text.Length)
        {
            var open = text.IndexOf(Open, pos, StringComparison.Ordinal);
            if (open < 0) { parts.Add(new(text[pos..], null, null)); break; }
            if (open > pos) parts.Add(new(text[pos..open], null, null));
            var close = text.IndexOf(Close, open + Open.Length, StringComparison.Ordinal);
            if (close < 0)
            {
                var rest = text[open..];
                parts.Add(new(rest, null, $"unclosed expression '{rest}'; close it with '}}}}'"));
                break;
            }
            var expr = text[open..(close + Close.Length)];
            parts.Add(Parse(expr, text[(open + Open.Length)..close]));
            pos = close + Close.Length;
        }
        return parts;
    }

    /// <summary>The reference when <paramref name="text"/> is exactly one expression (surrounding spaces allowed).</summary>
    public static TemplatePart? Whole(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(Open, StringComparison.Ordinal)) return null;
        var parts = Split(trimmed);
        return parts.Count == 1 && !parts[0].IsLiteral ? parts[0] : null;
    }

    private static TemplatePart Parse(string expr, string inner)
    {
        var m = Path().Match(inner);
        if (!m.Success)
            return new(expr, null, $"malformed expression '{expr}'; write ${{{{ params.NAME }}}} or ${{{{ steps.ID.outputs.NAME }}}}");
        var reference = m.Groups["param"].Success
            ? new ExpressionReference(expr, ReferenceKind.Param, null, m.Groups["param"].Value)
            : new ExpressionReference(expr, ReferenceKind.StepOutput, m.Groups["step"].Value, m.Groups["output"].Value);
        return new(expr, reference, null);
    }

    [GeneratedRegex(@"^\s*(?:params\.(?<param>[A-Za-z0-9_-]+)|steps\.(?<step>[A-Za-z0-9_-]+)\.outputs\.(?<output>[A-Za-z0-9_-]+))\s*$")]
    private static partial Regex Path();
}
