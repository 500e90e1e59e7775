using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace T1.Workflows.Definitions;

/// <summary>A parsed YAML node with the 1-based position where it starts.</summary>
internal abstract class YNode(Mark start)
{
    public int Line { get; } = (int)start.Line;
    public int Column { get; } = (int)start.Column;

    /// <summary>Values in this node with aliases expanded, to refuse "billion laughs" alias bombs.</summary>
    public long ExpandedSize { get; set; } = 1;
}

internal sealed class YScalar(Mark start, string value, ScalarStyle style, string? tag) : YNode(start)
{
    public string Value { get; } = value;
    public ScalarStyle Style { get; } = style;
    public string? Tag { get; } = tag;
    public bool IsPlain => (Style is ScalarStyle.Plain or ScalarStyle.Any) && Tag is null;
}

internal sealed class YSequence(Mark start) : YNode(start)
{
    public List<YNode> Items { get; } = [];
}

/// <summary>A mapping, keeping every entry in file order (duplicates too, so they can be reported).</summary>
internal sealed class YMapping(Mark start) : YNode(start)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}

/// <summary>Reads YAML parser events into <see cref="YNode"/>s without losing positions.</summary>
internal static class YamlTree
{
    /// <summary>Far above any real workflow (a 20 000-step file has ~200 000 values).</summary>
    public const long MaxExpandedSize = 5_000_000;

    /// <summary>Parses the first document; null for an empty file. Throws <see cref="YamlException"/> on syntax errors.</summary>
    public static YNode? Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            return ParseDocument(parser);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 18.1 throws this (not a YamlException) for some unclosed flow collections, e.g. "a: [1, 2\nb: 3".
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, "unexpected content after this point; is a '[' or '{' left unclosed?");
        }
    }

    private static YNode? ParseDocument(IParser parser)
    {
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _)) return null;
        parser.Consume<DocumentStart>();
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var root = ReadNode(parser, anchors);
        parser.Consume<DocumentEnd>();
        if (parser.Accept<DocumentStart>(out var second))
            throw new YamlException(second.Start, second.End, "a workflow file holds one YAML document; remove the second '---'");
        return root;
    }

    // Recursion here follows YAML nesting depth (a few levels in a workflow), never the step graph.
    private static YNode ReadNode(IParser parser, Dictionary<string, YNode> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
            return anchors.TryGetValue(alias.Value.Value, out var target) ? target
                : throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var tag = scalar.Tag.IsEmpty || scalar.Tag.Value == "!" ? null : scalar.Tag.Value;
            return Anchor(scalar.Anchor, new YScalar(scalar.Start, scalar.Value, scalar.Style, tag), anchors);
        }
        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var seq = Anchor(seqStart.Anchor, new YSequence(seqStart.Start), anchors);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var item = ReadNode(parser, anchors);
                seq.Items.Add(item);
                Grow(seq, item.ExpandedSize, seqStart.Start);
            }
            return seq;
        }
        var mapStart = parser.Consume<MappingStart>();
        var map = Anchor(mapStart.Anchor, new YMapping(mapStart.Start), anchors);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Current!;
            var key = ReadNode(parser, anchors) as YScalar
                ?? throw new YamlException(keyEvent.Start, keyEvent.End, "mapping keys must be plain names, not lists or mappings");
            var value = ReadNode(parser, anchors);
            map.Entries.Add(new(key, value));
            Grow(map, key.ExpandedSize + value.ExpandedSize, keyEvent.Start);
        }
        return map;
    }

    private static void Grow(YNode node, long by, Mark at)
    {
        node.ExpandedSize += by;
        if (node.ExpandedSize > MaxExpandedSize)
            throw new YamlException(at, at, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"aliases here expand to more than {MaxExpandedSize:N0} values; a workflow cannot be this large"));
    }

    private static T Anchor<T>(AnchorName anchor, T node, Dictionary<string, YNode> anchors) where T : YNode
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        return node;
    }
}
