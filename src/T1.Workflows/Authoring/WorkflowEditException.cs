namespace T1.Workflows.Authoring;

/// <summary>An edit the designer refuses, with a message for the user (the document is unchanged).</summary>
public sealed class WorkflowEditException(string message) : InvalidOperationException(message);
