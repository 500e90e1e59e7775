using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace T1.Workflows.Authoring;

/// <summary>
/// Imports workflow YAML into a <see cref="WorkflowDocument"/> and writes it back. Writing an
/// imported document that was not edited gives the file back byte for byte (line endings as \n);
/// after an edit only the lines of what changed are rewritten (see <see cref="YamlPatcher"/>).
/// Import is lenient: a file the validator rejects still opens, so its problems can be fixed here.
/// </summary>
public static class WorkflowYaml
{
    /// <summary>Reads <paramref name="yaml"/>; throws a <see cref="WorkflowEditException"/> when it is not YAML or not a mapping.</summary>
    public static WorkflowDocument Import(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var text = yaml.Replace("\r\n", "\n", StringComparison.Ordinal);
        SourceNode? root;
        bool unpatchable;
        try
        {
            root = SourceTree.Parse(text, out unpatchable);
        }
        catch (YamlException e)
        {
            throw new WorkflowEditException($"line {e.Start.Line}, column {e.Start.Column}: invalid YAML: {e.Message}");
        }
        if (root is null) return new WorkflowDocument();
        var doc = DocumentJson.FromSource(root);
        return unpatchable ? doc with { Steps = [.. doc.Steps.Select(s => s with { SourceIndex = null })] }
            : doc with { Source = new WorkflowSource(text, root, DocumentJson.ToJson(doc)) };
    }

    /// <summary>The document as YAML: the imported text patched where the document changed, or written afresh.</summary>
    public static string Write(WorkflowDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var desired = DocumentJson.ToJson(doc);
        if (doc.Source is { } source && YamlPatcher.Patch(source, desired, [.. doc.Steps.Select(s => s.SourceIndex)]) is { } patched)
            return patched;
        return Fresh(desired);
    }

    /// <summary>The document written afresh in the house style, ignoring any imported text.</summary>
    public static string WriteFresh(WorkflowDocument doc) => Fresh(DocumentJson.ToJson(doc));

    private static string Fresh(JsonObject desired)
    {
        var lines = new List<string>();
        foreach (var (key, value) in desired) YamlText.Entry(key, value, 0, lines);
        return string.Join('\n', lines) + "\n";
    }
}
