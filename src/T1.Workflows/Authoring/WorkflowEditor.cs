using System.Text.Json.Nodes;
using T1.Workflows.Steps;

namespace T1.Workflows.Authoring;

/// <summary>What an edit did: applied, or refused with a message for the user.</summary>
public sealed record EditOutcome(bool Applied, string? Error)
{
    public static readonly EditOutcome Done = new(true, null);
    public static readonly EditOutcome NoChange = new(false, null);
}

/// <summary>
/// One designer session on one workflow: the current <see cref="WorkflowDocument"/>, undo and redo
/// of every edit, the clipboard, and the YAML and validation of the current document (computed once
/// per document). Not thread-safe: one user, one editor.
/// </summary>
public sealed class WorkflowEditor(StepCatalog catalog, WorkflowDocument? document = null, string? fileName = null)
{
    private readonly Stack<(WorkflowDocument Doc, string Label)> _undo = new();
    private readonly Stack<(WorkflowDocument Doc, string Label)> _redo = new();
    private string? _yaml;
    private DesignerValidation? _validation;

    public StepCatalog Catalog { get; } = catalog;

    /// <summary>The file name diagnostics and published versions carry: as given, or the workflow's name + ".yaml".</summary>
    public string FileName => fileName ?? (Document.Name.Length > 0 ? Document.Name + ".yaml" : "workflow.yaml");

    public WorkflowDocument Document { get; private set; } = document ?? new WorkflowDocument { Name = "new-workflow" };

    public StepClipboard? Clipboard { get; private set; }

    /// <summary>Raised after every change of <see cref="Document"/> (edits, undo, redo).</summary>
    public event Action? Changed;

    public bool CanUndo => _undo.Count > 0;

    public bool CanRedo => _redo.Count > 0;

    /// <summary>What undo would undo, e.g. "connect greet → shout".</summary>
    public string? UndoLabel => _undo.Count > 0 ? _undo.Peek().Label : null;

    public string? RedoLabel => _redo.Count > 0 ? _redo.Peek().Label : null;

    /// <summary>The current document as YAML.</summary>
    public string Yaml => _yaml ??= WorkflowYaml.Write(Document);

    /// <summary>The validator's verdict on <see cref="Yaml"/>, mapped to steps and fields.</summary>
    public DesignerValidation Validation => _validation ??= DesignerValidation.Run(Document, Yaml, FileName, Catalog);

    /// <summary>Applies an edit as one undoable step; a refused edit changes nothing and says why.</summary>
    public EditOutcome Apply(string label, Func<WorkflowDocument, WorkflowDocument> edit)
    {
        WorkflowDocument next;
        try
        {
            next = edit(Document);
        }
        catch (WorkflowEditException e)
        {
            return new EditOutcome(false, e.Message);
        }
        if (ReferenceEquals(next, Document)) return EditOutcome.NoChange;
        _undo.Push((Document, label));
        _redo.Clear();
        Set(next);
        return EditOutcome.Done;
    }

    public bool Undo() => Move(_undo, _redo);

    public bool Redo() => Move(_redo, _undo);

    public EditOutcome AddStep(string type, CanvasPoint? at = null) => AddStep(type, at, out _);

    public EditOutcome AddStep(string type, CanvasPoint? at, out string? id)
    {
        string? added = null;
        var outcome = Catalog.Find(type) is { } descriptor
            ? Apply($"add {type}", d => d.AddStep(descriptor, out added, at))
            : new EditOutcome(false, $"unknown step type '{type}'");
        id = added;
        return outcome;
    }

    public EditOutcome Connect(string from, string to) => Apply($"connect {from} → {to}", d => d.Connect(from, to));

    public EditOutcome Disconnect(string from, string to) => Apply($"disconnect {from} → {to}", d => d.Disconnect(from, to));

    public EditOutcome Delete(string id) => Apply($"delete {id}", d => d.DeleteStep(id));

    public EditOutcome Rename(string id, string newId) => Apply($"rename {id} to {newId}", d => d.RenameStep(id, newId));

    public EditOutcome SetInput(string id, string input, JsonNode? value) => Apply($"set {id}.{input}", d => d.SetInput(id, input, value));

    public EditOutcome UnsetInput(string id, string input) => Apply($"clear {id}.{input}", d => d.SetInput(id, input, null, unset: true));

    public EditOutcome UpdateStep(string id, string label, Func<StepNode, StepNode> change) => Apply(label, d => d.UpdateStep(id, change));

    public EditOutcome Move(string id, CanvasPoint to) => Apply($"move {id}", d => d.UpdateStep(id, s => s with { Position = to }));

    /// <summary>Copies the steps <paramref name="ids"/> to the clipboard (not an edit).</summary>
    public void Copy(IEnumerable<string> ids) => Clipboard = StepClipboard.Copy(Document, ids);

    /// <summary>Pastes the clipboard with fresh ids; <paramref name="pasted"/> maps copied ids to new ones.</summary>
    public EditOutcome Paste(out IReadOnlyDictionary<string, string> pasted)
    {
        IReadOnlyDictionary<string, string> map = new Dictionary<string, string>();
        var outcome = Clipboard is { Steps.Length: > 0 } clipboard
            ? Apply($"paste {clipboard.Steps.Length} step(s)", d => clipboard.PasteInto(d, out map, new CanvasPoint(40, 40)))
            : new EditOutcome(false, "the clipboard is empty; copy steps first");
        pasted = map;
        return outcome;
    }

    /// <summary>
    /// Replaces the document with <paramref name="yaml"/> (the YAML view, or an imported file) as one
    /// undoable edit; canvas positions of steps that keep their id are kept.
    /// </summary>
    public EditOutcome ReplaceYaml(string yaml) => Apply("edit YAML", d =>
    {
        var imported = WorkflowYaml.Import(yaml);
        var positions = d.Steps.Where(s => s.Position is not null).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First().Position);
        return imported with { Steps = [.. imported.Steps.Select(s => s with { Position = positions.GetValueOrDefault(s.Id) })] };
    });

    /// <summary>A new session on a copy of this workflow under <paramref name="newName"/>.</summary>
    public WorkflowEditor Duplicate(string? newName = null) => new(Catalog, Document.Duplicate(newName), fileName);

    private bool Move(Stack<(WorkflowDocument Doc, string Label)> from, Stack<(WorkflowDocument Doc, string Label)> to)
    {
        if (from.Count == 0) return false;
        var (doc, label) = from.Pop();
        to.Push((Document, label));
        Set(doc);
        return true;
    }

    private void Set(WorkflowDocument doc)
    {
        Document = doc;
        _yaml = null;
        _validation = null;
        Changed?.Invoke();
    }
}
