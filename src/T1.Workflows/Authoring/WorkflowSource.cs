using System.Text.Json.Nodes;

namespace T1.Workflows.Authoring;

/// <summary>
/// The imported text of a document, kept so that emitting reuses the lines (and comments) of
/// everything an edit did not change.
/// </summary>
public sealed class WorkflowSource
{
    internal WorkflowSource(string text, SourceNode root, JsonObject baseline)
    {
        Text = text;
        Root = root;
        Baseline = baseline;
    }

    /// <summary>The YAML as imported, line endings normalised to \n.</summary>
    public string Text { get; }

    internal SourceNode Root { get; }

    /// <summary>The imported document in the writer's shape, to tell which parts an edit changed.</summary>
    internal JsonObject Baseline { get; }
}
