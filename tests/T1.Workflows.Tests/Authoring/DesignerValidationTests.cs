using System.Text.Json.Nodes;
using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class DesignerValidationTests
{
    [Fact]
    public void ValidWorkflow_HasNoProblems()
    {
        var editor = Editor();
        Assert.True(editor.Validation.IsValid);
        Assert.Empty(editor.Validation.Problems);
    }

    [Fact]
    public void BadInputValue_IsPlacedOnThatInputOfThatStep()
    {
        var editor = Editor();
        editor.SetInput("synth", "count", JsonValue.Create(0));
        var problem = Assert.Single(editor.Validation.Problems);
        Assert.Equal(("synth", "with", "count"), (problem.StepId, problem.Field, problem.Input));
        Assert.Equal("step 'synth': input 'count' must be between 1 and 1000000, got '0'", problem.Message);
        Assert.Same(problem, editor.Validation.ForInput("synth", "count").Single());
        Assert.Empty(editor.Validation.ForStep("sft"));
    }

    [Fact]
    public void InputInAFlowMapping_IsPlacedByColumn()
    {
        var editor = new WorkflowEditor(Catalog, WorkflowYaml.Import(ShippedWorkflow("hello.yaml")));
        var yaml = editor.Yaml.Replace("tick: 100ms", "tick: soon", StringComparison.Ordinal);
        Assert.True(editor.ReplaceYaml(yaml).Applied);
        var problem = Assert.Single(editor.Validation.Problems);
        Assert.Equal(("nap-short", "with", "tick"), (problem.StepId, problem.Field, problem.Input));
    }

    [Fact]
    public void MissingRequiredInput_IsPlacedOnTheInput()
    {
        var editor = Editor();
        editor.UnsetInput("other", "message");
        var problem = Assert.Single(editor.Validation.Problems);
        Assert.Equal(("other", "with", "message"), (problem.StepId, problem.Field, problem.Input));
    }

    [Fact]
    public void StepSettingsAndReferences_ArePlacedOnTheirField()
    {
        var editor = Editor();
        editor.UpdateStep("sft", "timeout", s => s with { Timeout = "never" });
        editor.UpdateStep("report", "needs", s => s with { Needs = ["sft", "ghost"] });
        editor.Disconnect("synth", "sft");
        var placed = editor.Validation.Problems.Select(p => (p.StepId, p.Field, p.Input)).ToList();
        Assert.Equal([("sft", "timeout", null), ("sft", "with", "dataset"), ("report", "needs", null)], placed);
        Assert.Contains("which is not among its needs", editor.Validation.ForInput("sft", "dataset").Single().Message);
    }

    [Fact]
    public void WorkflowLevelProblems_HaveNoStep()
    {
        var editor = Editor();
        editor.Apply("schedule", d => d with { Schedule = "0 3 * *" });
        var problem = Assert.Single(editor.Validation.ForWorkflow());
        Assert.Equal("schedule", problem.Field);
        Assert.Null(problem.StepId);
    }

    [Fact]
    public void Validation_ReportsTheSameDiagnosticsAsTheLoader()
    {
        var editor = Editor();
        editor.AddStep("sft");
        var loader = T1.Workflows.Definitions.WorkflowLoader.Load(editor.Yaml, editor.FileName, Catalog);
        Assert.Equal("chain.yaml", editor.FileName);
        Assert.Equal(loader.Diagnostics, editor.Validation.Problems.Select(p => p.Diagnostic));
        Assert.Equal("sft-2", editor.Validation.Problems.Single().StepId);
    }
}
