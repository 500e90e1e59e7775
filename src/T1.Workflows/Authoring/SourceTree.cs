using System.Text.Json.Nodes;
using T1.Workflows.Definitions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace T1.Workflows.Authoring;

/// <summary>A YAML node with where it starts and ends in its text (1-based lines and columns).</summary>
internal sealed class SourceNode
{
    public required SourceNodeKind Kind { get; init; }
    public required int Line { get; init; }
    public required int Column { get; init; }
    public int EndLine { get; set; }

    /// <summary>True for <c>{ }</c> and <c>[ ]</c> collections, whose text cannot be patched entry by entry.</summary>
    public bool IsFlow { get; init; }

    /// <summary>The scalar's value (null for collections).</summary>
    public string? Value { get; init; }
    public ScalarStyle Style { get; init; }
    public string? Tag { get; init; }
    public List<KeyValuePair<SourceNode, SourceNode>> Entries { get; } = [];
    public List<SourceNode> Items { get; } = [];

    /// <summary>The value for <paramref name="key"/> (first when repeated).</summary>
    public SourceNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    /// <summary>The value as JSON, typed as the validator types it.</summary>
    public JsonNode? ToJson() => Kind switch
    {
        SourceNodeKind.Scalar => YamlValues.Scalar(new YScalar(new Mark(0, Line, Column), Value ?? "", Style, Tag)),
        SourceNodeKind.Sequence => new JsonArray(Items.Select(i => i.ToJson()).ToArray()),
        _ => ToObject(),
    };

    private JsonObject ToObject()
    {
        var obj = new JsonObject();
        foreach (var (k, v) in Entries) obj[k.Value ?? ""] = v.ToJson();
        return obj;
    }
}

/// <summary>The three shapes of a YAML node.</summary>
internal enum SourceNodeKind
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>
/// Parses YAML into <see cref="SourceNode"/>s that remember their positions, so the designer can
/// reuse the original text of whatever an edit did not touch. Files with anchors, aliases, several
/// documents or repeated keys are reported as <see cref="SourceTree.Unpatchable"/>: they round-trip
/// by value only.
/// </summary>
internal static class SourceTree
{
    /// <summary>Parses the first document; null for an empty file. Throws <see cref="YamlException"/> on syntax errors.</summary>
    public static SourceNode? Parse(string text, out bool unpatchable)
    {
        var parser = new Parser(new StringReader(text));
        var state = new State();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                unpatchable = false;
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = Read(parser, state);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out _)) state.Unpatchable = true;
            unpatchable = state.Unpatchable;
            return root;
        }
        catch (InvalidOperationException)
        {
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, "unexpected content after this point; is a '[' or '{' left unclosed?");
        }
    }

    private sealed class State
    {
        public bool Unpatchable;
    }

    // Recursion follows YAML nesting depth (a few levels in a workflow), never the step graph.
    private static SourceNode Read(IParser parser, State state)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            state.Unpatchable = true;
            return new SourceNode { Kind = SourceNodeKind.Scalar, Line = (int)alias.Start.Line, Column = (int)alias.Start.Column, EndLine = (int)alias.End.Line, Value = "*" + alias.Value.Value };
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            if (!scalar.Anchor.IsEmpty) state.Unpatchable = true;
            var tag = scalar.Tag.IsEmpty || scalar.Tag.Value == "!" ? null : scalar.Tag.Value;
            return new SourceNode
            {
                Kind = SourceNodeKind.Scalar, Line = (int)scalar.Start.Line, Column = (int)scalar.Start.Column,
                EndLine = EndLineOf(scalar.End), Value = scalar.Value, Style = scalar.Style, Tag = tag,
            };
        }
        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            if (!seqStart.Anchor.IsEmpty) state.Unpatchable = true;
            var seq = new SourceNode
            {
                Kind = SourceNodeKind.Sequence, Line = (int)seqStart.Start.Line, Column = (int)seqStart.Start.Column,
                IsFlow = seqStart.Style == SequenceStyle.Flow,
            };
            while (true)
            {
                if (parser.TryConsume<SequenceEnd>(out var end))
                {
                    seq.EndLine = EndLineOf(end.End);
                    return seq;
                }
                seq.Items.Add(Read(parser, state));
            }
        }
        var mapStart = parser.Consume<MappingStart>();
        if (!mapStart.Anchor.IsEmpty) state.Unpatchable = true;
        var map = new SourceNode
        {
            Kind = SourceNodeKind.Mapping, Line = (int)mapStart.Start.Line, Column = (int)mapStart.Start.Column,
            IsFlow = mapStart.Style == MappingStyle.Flow,
        };
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            if (parser.TryConsume<MappingEnd>(out var mapEnd))
            {
                map.EndLine = EndLineOf(mapEnd.End);
                return map;
            }
            var keyEvent = parser.Current!;
            var key = Read(parser, state);
            if (key.Kind != SourceNodeKind.Scalar)
                throw new YamlException(keyEvent.Start, keyEvent.End, "mapping keys must be plain names, not lists or mappings");
            if (!keys.Add(key.Value!)) state.Unpatchable = true;
            map.Entries.Add(new(key, Read(parser, state)));
        }
    }

    /// <summary>A block collection "ends" at the start of the next token; column 1 there means the previous line.</summary>
    private static int EndLineOf(Mark end) => (int)end.Line;
}
