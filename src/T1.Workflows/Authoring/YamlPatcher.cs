using System.Text.Json.Nodes;

namespace T1.Workflows.Authoring;

/// <summary>
/// Writes a document by patching the text it was imported from: every part whose value did not
/// change keeps its original lines (comments, quoting, flow or block style); a changed block
/// mapping is patched key by key, the steps list step by step (steps matched by
/// <see cref="StepNode.SourceIndex"/>, so renames and reordering keep their text); anything else
/// that changed is rewritten in <see cref="YamlText"/>'s style. Comment lines directly above a key
/// or a step travel with it; comments on a rewritten line are lost.
/// </summary>
internal sealed class YamlPatcher
{
    private readonly string[] _lines;
    private readonly IReadOnlyList<int?> _stepOrigins;

    private YamlPatcher(string text, IReadOnlyList<int?> stepOrigins)
    {
        _lines = text.Split('\n');
        _stepOrigins = stepOrigins;
    }

    /// <summary>The new text, or null when the source's layout cannot be patched (the caller writes it afresh).</summary>
    public static string? Patch(WorkflowSource source, JsonObject desired, IReadOnlyList<int?> stepOrigins)
    {
        if (!IsBlockMapping(source.Root)) return null;
        var patcher = new YamlPatcher(source.Text.EndsWith('\n') ? source.Text[..^1] : source.Text, stepOrigins);
        var lines = patcher.Mapping(source.Root, source.Baseline, desired, 1, patcher._lines.Length, topLevel: true);
        return string.Join('\n', lines) + "\n";
    }

    private readonly record struct Segment(int Start, int Key, int BodyEnd, int End);

    private List<string> Mapping(SourceNode src, JsonObject baseline, JsonObject desired, int first, int last, bool topLevel)
    {
        var keys = src.Entries.Select(e => e.Key.Value!).ToList();
        var segments = Segments(src.Entries.Select(e => e.Key.Line).ToList(), first, last);
        var indent = src.Column - 1;
        var output = new List<string>();
        // Blank and comment lines after an entry wait here, so that a key added after it goes before them.
        var trail = new List<string>();
        foreach (var key in Order(keys, desired.Select(e => e.Key).ToList()))
        {
            var i = keys.IndexOf(key);
            if (i < 0)
            {
                YamlText.Entry(key, desired[key], indent, output);
                continue;
            }
            output.AddRange(trail);
            trail.Clear();
            var seg = segments[i];
            var value = src.Entries[i].Value;
            var want = desired[key];
            var had = baseline.TryGetPropertyValue(key, out var h) ? h : null;
            if (baseline.ContainsKey(key) && JsonNode.DeepEquals(had, want))
                Copy(seg.Start, seg.BodyEnd, output);
            else
            {
                Copy(seg.Start, seg.Key - 1, output);
                if (want is JsonObject { Count: > 0 } wantMap && had is JsonObject hadMap && IsBlockMapping(value) && value.Line > seg.Key)
                {
                    output.Add(_lines[seg.Key - 1]);
                    output.AddRange(Mapping(value, hadMap, wantMap, seg.Key + 1, seg.BodyEnd, topLevel: false));
                }
                else if (topLevel && key == "steps" && want is JsonArray wantSteps && had is JsonArray hadSteps && IsBlockSequence(value) && value.Items.All(i => DashIndent(i) is not null))
                {
                    output.Add(_lines[seg.Key - 1]);
                    output.AddRange(Steps(value, hadSteps, wantSteps, seg.Key + 1, seg.BodyEnd));
                }
                else
                    YamlText.Entry(key, want, indent, output);
            }
            Copy(seg.BodyEnd + 1, seg.End, trail);
        }
        output.AddRange(trail);
        return output;
    }

    private List<string> Steps(SourceNode src, JsonArray baseline, JsonArray desired, int first, int last)
    {
        var segments = Segments(src.Items.Select(i => i.Line).ToList(), first, last);
        var dash = src.Items.Count > 0 ? DashIndent(src.Items[0]) ?? 2 : 2;
        var output = new List<string>();
        for (var j = 0; j < desired.Count; j++)
        {
            var want = desired[j];
            if (j >= _stepOrigins.Count || _stepOrigins[j] is not { } o || o < 0 || o >= src.Items.Count || o >= baseline.Count)
            {
                YamlText.Item(want, dash, output);
                continue;
            }
            var seg = segments[o];
            var item = src.Items[o];
            if (JsonNode.DeepEquals(baseline[o], want))
            {
                Copy(seg.Start, seg.End, output);
                continue;
            }
            Copy(seg.Start, seg.Key - 1, output);
            if (want is JsonObject wantMap && baseline[o] is JsonObject hadMap && IsBlockMapping(item))
            {
                var body = Mapping(item, hadMap, wantMap, seg.Key, seg.BodyEnd, topLevel: false);
                var prefix = _lines[seg.Key - 1][..(item.Column - 1)];
                var firstKey = body.FindIndex(l => !IsBlankOrComment(l));
                if (firstKey >= 0 && !body[firstKey].StartsWith(prefix, StringComparison.Ordinal) && body[firstKey].Length >= prefix.Length)
                    body[firstKey] = prefix + body[firstKey][prefix.Length..];
                output.AddRange(body);
            }
            else
                YamlText.Item(want, DashIndent(item) ?? dash, output);
            Copy(seg.BodyEnd + 1, seg.End, output);
        }
        return output;
    }

    /// <summary>
    /// Splits lines [first, last] into one segment per key (or list item) starting at the given lines:
    /// comment lines directly above a key belong to it; blank and comment lines after its body trail it.
    /// </summary>
    private List<Segment> Segments(List<int> keyLines, int first, int last)
    {
        var starts = new int[keyLines.Count];
        for (var i = 0; i < keyLines.Count; i++)
        {
            var floor = i == 0 ? first : keyLines[i - 1] + 1;
            var s = keyLines[i];
            while (i > 0 && s - 1 >= floor && IsComment(_lines[s - 2])) s--;
            starts[i] = i == 0 ? first : s;
        }
        var segments = new List<Segment>(keyLines.Count);
        for (var i = 0; i < keyLines.Count; i++)
        {
            var end = i + 1 < keyLines.Count ? starts[i + 1] - 1 : last;
            var bodyEnd = end;
            while (bodyEnd > keyLines[i] && IsBlankOrComment(_lines[bodyEnd - 1])) bodyEnd--;
            segments.Add(new Segment(starts[i], keyLines[i], bodyEnd, end));
        }
        return segments;
    }

    /// <summary>The source's keys in their order, with new keys placed after the key that precedes them in <paramref name="desired"/>.</summary>
    private static List<string> Order(List<string> source, List<string> desired)
    {
        var order = source.Where(desired.Contains).ToList();
        for (var j = 0; j < desired.Count; j++)
        {
            if (order.Contains(desired[j])) continue;
            var after = j == 0 ? -1 : order.IndexOf(desired[j - 1]);
            order.Insert(after + 1, desired[j]);
        }
        return order;
    }

    private void Copy(int from, int to, List<string> output)
    {
        for (var l = from; l <= to; l++) output.Add(_lines[l - 1]);
    }

    /// <summary>The dash's indentation when <paramref name="item"/> starts as <c>  - key: ...</c> on one line; else null.</summary>
    private int? DashIndent(SourceNode item)
    {
        var line = _lines[item.Line - 1];
        if (item.Column - 1 > line.Length) return null;
        var prefix = line[..(item.Column - 1)];
        var trimmed = prefix.TrimStart(' ');
        return trimmed.TrimEnd(' ') == "-" ? prefix.Length - trimmed.Length : null;
    }

    private static bool IsBlockMapping(SourceNode node) =>
        node.Kind == SourceNodeKind.Mapping && !node.IsFlow && node.Entries.Count > 0
        && node.Entries.All(e => e.Key.Column == node.Column)
        && node.Entries.Zip(node.Entries.Skip(1)).All(p => p.First.Key.Line < p.Second.Key.Line);

    private static bool IsBlockSequence(SourceNode node) =>
        node.Kind == SourceNodeKind.Sequence && !node.IsFlow
        && node.Items.Zip(node.Items.Skip(1)).All(p => p.First.Line < p.Second.Line);

    private static bool IsComment(string line) => line.TrimStart().StartsWith('#');

    private static bool IsBlankOrComment(string line) => line.Trim().Length == 0 || IsComment(line);
}
