using System.Text.RegularExpressions;
using T1.Workflows.Definitions.Validation;

namespace T1.Workflows.Authoring;

/// <summary>Step ids the designer makes: valid, and unique within a workflow (<c>sft</c>, <c>sft-2</c>, …).</summary>
public static partial class StepIds
{
    /// <summary>The first of <c>base</c>, <c>base-2</c>, <c>base-3</c>, … that is not in <paramref name="taken"/>.</summary>
    public static string Unique(string wanted, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        var clean = Clean(wanted);
        if (!used.Contains(clean)) return clean;
        var stem = Suffix().Replace(clean, "");
        if (stem.Length == 0) stem = clean;
        for (var n = 2; ; n++)
        {
            var tail = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var candidate = (stem.Length + tail.Length > WorkflowReader.MaxIdLength ? stem[..(WorkflowReader.MaxIdLength - tail.Length)] : stem) + tail;
            if (!used.Contains(candidate)) return candidate;
        }
    }

    /// <summary>Why <paramref name="id"/> cannot be a step id, or null when it can.</summary>
    public static string? Problem(string id) =>
        WorkflowReader.StepId().IsMatch(id) && id.Length <= WorkflowReader.MaxIdLength ? null
            : $"invalid step id '{id}'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most {WorkflowReader.MaxIdLength} characters";

    /// <summary>A valid id made from any text: lowercased, other characters replaced by '-'.</summary>
    public static string Clean(string text)
    {
        var id = Invalid().Replace(text.ToLowerInvariant(), "-").Trim('-', '_');
        if (id.Length == 0) id = "step";
        return id.Length > WorkflowReader.MaxIdLength ? id[..WorkflowReader.MaxIdLength] : id;
    }

    [GeneratedRegex("-[0-9]+$")]
    private static partial Regex Suffix();

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex Invalid();
}
