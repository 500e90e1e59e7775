using System.Text;
using System.Text.Json;

namespace T1.Server.Portal.Artifacts;

/// <summary>
/// The first rows of a JSON-lines file as a table: one column per top-level key (in first-seen order). Rows of an
/// evaluation's <c>traces.jsonl</c> (a boolean <c>correct</c>) get the verifier's verdict as their first column.
/// </summary>
public sealed record PreviewTable(IReadOnlyList<string> Columns, IReadOnlyList<PreviewTable.Row> Rows, bool IsTraces, int SkippedLines)
{
    /// <summary>Longest cell text shown; longer values end in "…".</summary>
    public const int MaxCell = 400;

    /// <summary>One row: its cells (in <see cref="Columns"/> order) and, for traces, whether the verifier accepted the answer.</summary>
    public sealed record Row(IReadOnlyList<string> Cells, bool? Correct);

    /// <summary>Trace fields in the order a reader wants them; <c>correct</c> and <c>reason</c> make the verdict column.</summary>
    private static readonly string[] TraceOrder = ["problem_id", "budget", "mode", "sample", "prompt", "reference", "extracted", "thinking_tokens", "truncated", "response"];

    /// <summary>
    /// Parses at most <paramref name="maxRows"/> rows of <paramref name="bytes"/> (the beginning of the file). When
    /// <paramref name="cut"/>, the last line may be incomplete and is dropped. Lines that are not JSON objects are counted, not shown.
    /// </summary>
    public static PreviewTable Parse(byte[] bytes, bool cut, int maxRows)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var count = cut ? lines.Length - 1 : lines.Length;
        var objects = new List<Dictionary<string, JsonElement>>();
        var skipped = 0;
        for (var i = 0; i < count && objects.Count < maxRows; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) { skipped++; continue; }
                objects.Add(doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
            }
            catch (JsonException) { skipped++; }
        }
        var keys = new List<string>();
        foreach (var o in objects)
            foreach (var k in o.Keys)
                if (!keys.Contains(k)) keys.Add(k);
        var traces = objects.Count > 0 && objects.All(o => o.TryGetValue("correct", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False);
        if (!traces)
            return new PreviewTable(keys, objects.Select(o => new Row(keys.Select(k => Cell(o, k)).ToList(), null)).ToList(), false, skipped);

        var columns = TraceOrder.Where(keys.Contains).Concat(keys.Where(k => k is not "correct" and not "reason" && !TraceOrder.Contains(k))).ToList();
        var rows = objects.Select(o =>
        {
            var correct = o["correct"].GetBoolean();
            var reason = o.TryGetValue("reason", out var r) ? r.ToString() : "";
            var verdict = (correct ? "correct" : "wrong") + (reason.Length > 0 ? ": " + reason : "");
            return new Row([verdict, .. columns.Select(k => Cell(o, k))], correct);
        }).ToList();
        return new PreviewTable(["verdict", .. columns], rows, true, skipped);
    }

    private static string Cell(Dictionary<string, JsonElement> row, string key)
    {
        if (!row.TryGetValue(key, out var v)) return "";
        var text = v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText();
        return text.Length <= MaxCell ? text : text[..MaxCell] + "…";
    }
}
