using Bunit;
using T1.Server.Portal.Designer;
using T1.Workflows.Authoring;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Designer;

/// <summary>The designer's components rendered with bUnit against a real <see cref="WorkflowEditor"/> (built-in step types).</summary>
public sealed class DesignerComponentTests : IDisposable
{
    private static readonly StepCatalog BuiltIns = StepCatalog.FromAssemblies();

    private const string Yaml = """
        name: t
        steps:
          - id: greet
            uses: echo
            with: { message: hi }
          - id: nap
            uses: sleep
            needs: [greet]
          - id: other
            uses: echo
        """;

    /// <summary>Loose: the canvas loads designer.js for wheel zoom and its size, which bUnit has no browser for.</summary>
    private readonly BunitContext _ctx = new() { JSInterop = { Mode = JSRuntimeMode.Loose } };

    private static WorkflowEditor Editor() => new(BuiltIns, WorkflowYaml.Import(Yaml));

    [Fact]
    public void StepForm_HasOneFieldPerDeclaredInput_WithTheDefaultAsPlaceholder()
    {
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, Editor()).Add(x => x.StepId, "nap"));
        Assert.Equal(["duration", "tick"], form.FindAll("[data-input]").Select(e => e.GetAttribute("data-input")));
        Assert.Equal("1s", form.Find("#input-duration").GetAttribute("placeholder"));
        Assert.Equal("250ms", form.Find("#input-tick").GetAttribute("placeholder"));
    }

    [Fact]
    public void StepForm_Picker_OffersOnlyUpstreamOutputsOfAFittingKind_AndSetsTheInput()
    {
        var editor = Editor();
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, editor).Add(x => x.StepId, "nap"));
        // greet is upstream (its text output fits a duration, its artifact does not); other is not connected.
        Assert.Equal(["", "${{ steps.greet.outputs.message }}"], form.FindAll("#pick-duration option").Select(o => o.GetAttribute("value")));
        form.Find("#pick-duration").Change("${{ steps.greet.outputs.message }}");
        Assert.Equal("${{ steps.greet.outputs.message }}", editor.Document.Step("nap").Input("duration")!.GetValue<string>());
        Assert.Equal("${{ steps.greet.outputs.message }}", form.Find("#input-duration").GetAttribute("value"));
    }

    [Fact]
    public void StepForm_ShowsTheValidatorsProblemUnderItsField()
    {
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, Editor()).Add(x => x.StepId, "other"));
        Assert.Contains("has-problems", form.Find("[data-input='message']").ClassList);
        Assert.Equal("step 'other': missing required input 'message' of step type 'echo'", form.Find("[data-input='message'] .problem").TextContent);
        form.Find("#input-message").Change("fixed");
        Assert.Empty(form.FindAll(".problem"));
    }

    [Fact]
    public void StepForm_Needs_OffersNoDownstreamStep_AndACycleMadeOnTheCanvasIsRefused()
    {
        var editor = Editor();
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, editor).Add(x => x.StepId, "greet"));
        // nap needs greet: offering it under greet's needs could only make a cycle.
        Assert.Equal(["other"], form.FindAll("input[data-need]").Select(e => e.GetAttribute("data-need")));
        // Connecting by dragging a port (the canvas's way) is still checked, with the reason.
        Assert.Contains("would make a cycle", editor.Connect("nap", "greet").Error);
        Assert.Empty(editor.Document.Step("greet").Needs);
    }

    [Fact]
    public void Canvas_DrawsEveryStepAndNeed_AndMarksStepsWithProblems()
    {
        var canvas = _ctx.Render<DesignerCanvas>(p => p.Add(x => x.Editor, new WorkflowEditor(BuiltIns, CanvasLayout.Arrange(WorkflowYaml.Import(Yaml)))));
        Assert.Equal(["greet", "nap", "other"], canvas.FindAll("g.node").Select(n => n.GetAttribute("data-step")));
        var edge = canvas.Find("path.edge");
        Assert.Equal(("greet", "nap"), (edge.GetAttribute("data-from"), edge.GetAttribute("data-to")));
        Assert.Equal(["other"], canvas.FindAll("g.node.has-problems").Select(n => n.GetAttribute("data-step")));
    }

    [Fact]
    public void Palette_ListsStepTypesByCategory_AndClickAdds()
    {
        string? added = null;
        var palette = _ctx.Render<Palette>(p => p.Add(x => x.Catalog, BuiltIns).Add(x => x.OnAdd, (string t) => added = t));
        Assert.Equal(["echo", "fail", "sleep"], palette.FindAll(".palette-item").Select(b => b.GetAttribute("data-type")));
        Assert.Equal("Built-in", palette.Find("h3").TextContent);
        palette.Find(".palette-item[data-type='sleep']").Click();
        Assert.Equal("sleep", added);
    }

    [Fact]
    public void YamlPane_AppliedText_ReplacesTheDocument_AndListsProblems()
    {
        var editor = Editor();
        var pane = _ctx.Render<YamlPane>(p => p.Add(x => x.Editor, editor));
        Assert.Equal("1", pane.Find("#problem-count").TextContent);
        pane.Find("#yaml-text").Input(Yaml + "\n    with: { message: ok }\n");
        pane.Find("#apply-yaml").Click();
        Assert.True(editor.CanUndo);
        Assert.Equal("0", pane.Find("#problem-count").TextContent);
    }

    public void Dispose() => _ctx.Dispose();
}
