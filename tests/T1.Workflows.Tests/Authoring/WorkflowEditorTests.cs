using System.Text.Json.Nodes;
using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class WorkflowEditorTests
{
    [Fact]
    public void UndoThenRedo_WalksBackAndForthThroughEveryOperation()
    {
        var editor = Editor();
        var states = new List<string> { editor.Yaml };
        void Do(EditOutcome outcome)
        {
            Assert.True(outcome.Applied, outcome.Error);
            states.Add(editor.Yaml);
        }
        Do(editor.AddStep("echo", new CanvasPoint(10, 20)));
        Do(editor.Connect("report", "echo"));
        Do(editor.SetInput("echo", "message", JsonValue.Create("done")));
        Do(editor.Rename("echo", "finish"));
        Do(editor.Disconnect("sft", "report"));
        Do(editor.UpdateStep("sft", "set queue", s => s with { Queue = "cpu", Retry = new RetrySetting(3, "30s") }));
        Do(editor.Move("finish", new CanvasPoint(5, 5)));
        Do(editor.Delete("synth"));
        editor.Copy(["sft"]);
        Do(editor.Paste(out _));
        Do(editor.ReplaceYaml(editor.Yaml.Replace("name: chain", "name: renamed", StringComparison.Ordinal)));

        for (var i = states.Count - 2; i >= 0; i--)
        {
            Assert.True(editor.Undo());
            Assert.Equal(states[i], editor.Yaml);
        }
        Assert.False(editor.Undo());
        for (var i = 1; i < states.Count; i++)
        {
            Assert.True(editor.Redo());
            Assert.Equal(states[i], editor.Yaml);
        }
        Assert.False(editor.Redo());
    }

    [Fact]
    public void RefusedEdit_ChangesNothingAndIsNotUndoable()
    {
        var editor = Editor();
        var outcome = editor.Connect("report", "synth");
        Assert.False(outcome.Applied);
        Assert.Contains("would make a cycle", outcome.Error);
        Assert.False(editor.CanUndo);
        Assert.Equal(["synth"], editor.Document.Step("sft").Needs.ToArray());
    }

    [Fact]
    public void NewEdit_AfterUndo_ClearsRedo()
    {
        var editor = Editor();
        editor.Delete("other");
        editor.Undo();
        Assert.True(editor.CanRedo);
        Assert.Equal("delete other", editor.RedoLabel);
        editor.Rename("other", "spare");
        Assert.False(editor.CanRedo);
        Assert.Equal("rename other to spare", editor.UndoLabel);
    }

    [Fact]
    public void Paste_GivesFreshIds_AndRewiresNeedsAndReferencesAmongThePastedSteps()
    {
        var editor = Editor();
        editor.Copy(["sft", "report"]);
        Assert.True(editor.Paste(out var ids).Applied);
        Assert.Equal("sft-2", ids["sft"]);
        Assert.Equal("report-2", ids["report"]);
        var doc = editor.Document;
        Assert.Equal(["synth"], doc.Step("sft-2").Needs.ToArray()); // outside the copy: kept
        Assert.Equal(["sft-2"], doc.Step("report-2").Needs.ToArray()); // inside the copy: follows the new id
        Assert.Equal("loss ${{ steps.sft-2.outputs.loss }}", doc.Step("report-2").Input("message")!.GetValue<string>());
        Assert.Equal("${{ steps.synth.outputs.dataset }}", doc.Step("sft-2").Input("dataset")!.GetValue<string>());
        Assert.True(editor.Validation.IsValid, string.Join("\n", editor.Validation.Problems.Select(p => p.Diagnostic)));

        editor.Paste(out var again);
        Assert.Equal("sft-3", again["sft"]);
    }

    [Fact]
    public void Paste_IntoAnotherWorkflow_DropsNeedsOfStepsItDoesNotHave()
    {
        var source = Editor();
        source.Copy(["sft"]);
        var target = new WorkflowEditor(Catalog, new WorkflowDocument { Name = "empty" });
        source.Clipboard!.PasteInto(target.Document, out _);
        Assert.True(target.Apply("paste", d => source.Clipboard.PasteInto(d, out _)).Applied);
        Assert.Empty(target.Document.Step("sft").Needs.ToArray());
    }

    [Fact]
    public void Duplicate_KeepsEverythingButTheName()
    {
        var editor = new WorkflowEditor(Catalog, WorkflowYaml.Import(ShippedWorkflow("hello.yaml")));
        var copy = editor.Duplicate();
        Assert.Equal("hello-copy", copy.Document.Name);
        var (removed, added) = Diff(editor.Yaml, copy.Yaml);
        Assert.Equal(["name: hello"], removed);
        Assert.Equal(["name: hello-copy"], added);
    }

    [Fact]
    public void ReplaceYaml_KeepsCanvasPositionsOfStepsThatKeepTheirId()
    {
        var editor = Editor();
        editor.Move("sft", new CanvasPoint(100, 200));
        Assert.True(editor.ReplaceYaml(editor.Yaml.Replace("count: 10", "count: 11", StringComparison.Ordinal)).Applied);
        Assert.Equal(new CanvasPoint(100, 200), editor.Document.Step("sft").Position);
        Assert.Equal(11, editor.Document.Step("synth").Input("count")!.GetValue<long>());
    }

    [Fact]
    public void ReplaceYaml_WithBrokenYaml_IsRefusedWithItsPosition()
    {
        var editor = Editor();
        var outcome = editor.ReplaceYaml("name: x\nsteps: [\n");
        Assert.False(outcome.Applied);
        Assert.StartsWith("line ", outcome.Error);
        Assert.Contains("invalid YAML", outcome.Error);
    }

    [Fact]
    public void BuildingAWorkflowFromThePalette_GivesYamlTheValidatorAccepts()
    {
        var editor = new WorkflowEditor(Catalog, new WorkflowDocument { Name = "built" });
        editor.AddStep("synthesize", null, out var synth);
        editor.AddStep("sft", null, out var sft);
        editor.Connect(synth!, sft!);
        Assert.False(editor.Validation.IsValid);
        var missing = Assert.Single(editor.Validation.Problems);
        Assert.Equal((sft, "with", "dataset"), (missing.StepId, missing.Field, missing.Input));

        var reference = ReferencePicker.Outputs(editor.Document, sft!, Type("sft").FindInput("dataset")!, Catalog).Single();
        editor.SetInput(sft!, "dataset", JsonValue.Create(reference.Expression));
        Assert.True(editor.Validation.IsValid, string.Join("\n", editor.Validation.Problems.Select(p => p.Diagnostic)));
        Assert.Equal("""
            name: built
            steps:
              - id: synthesize
                uses: synthesize
              - id: sft
                uses: sft
                needs: [synthesize]
                with:
                  dataset: "${{ steps.synthesize.outputs.dataset }}"

            """, editor.Yaml);
    }
}
