using System.Collections.Immutable;

namespace T1.Workflows.Authoring;

/// <summary>Copied steps, ready to paste into this or another workflow.</summary>
public sealed record StepClipboard(ImmutableArray<StepNode> Steps)
{
    /// <summary>The steps <paramref name="ids"/> of <paramref name="doc"/>, in file order.</summary>
    public static StepClipboard Copy(WorkflowDocument doc, IEnumerable<string> ids)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        foreach (var id in wanted) doc.Step(id);
        return new StepClipboard([.. doc.Steps.Where(s => wanted.Contains(s.Id))]);
    }

    /// <summary>
    /// Adds copies of the steps with fresh ids (<c>sft</c> → <c>sft-2</c>). Needs and references among
    /// the pasted steps follow the new ids; needs of steps outside them are kept when the target
    /// workflow has those steps, dropped otherwise. <paramref name="pastedIds"/> maps old id → new id.
    /// </summary>
    public WorkflowDocument PasteInto(WorkflowDocument doc, out IReadOnlyDictionary<string, string> pastedIds, CanvasPoint offset = default)
    {
        var taken = doc.Steps.Select(s => s.Id).ToList();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in Steps)
        {
            var id = StepIds.Unique(step.Id, taken);
            map[step.Id] = id;
            taken.Add(id);
        }
        string? Rename(string s) => map.GetValueOrDefault(s);
        var existing = doc.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var pasted = Steps.Select(s => s with
        {
            Id = map[s.Id],
            Needs = [.. s.Needs.Select(n => map.GetValueOrDefault(n) ?? (existing.Contains(n) ? n : null)).OfType<string>()],
            With = [.. s.With.Select(w => w with { Value = Expressions.RenameSteps(w.Value, Rename)?.DeepClone() })],
            Position = s.Position is { } p ? new CanvasPoint(p.X + offset.X, p.Y + offset.Y) : null,
            SourceIndex = null,
        });
        pastedIds = map;
        return doc with { Steps = doc.Steps.AddRange(pasted) };
    }
}
