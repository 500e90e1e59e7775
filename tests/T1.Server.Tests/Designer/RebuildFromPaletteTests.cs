using System.Text.Json.Nodes;
using T1.Server.Hosting;
using T1.Workflows.Authoring;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Designer;

/// <summary>
/// Every shipped workflow (t1-tiny included) can be built in the designer's model from the palette with the real
/// step types: add each step, connect its needs, pick each step-output reference from the picker, type the rest.
/// A missing required input shows on its field until it is set; the result means what the file means.
/// </summary>
public class RebuildFromPaletteTests
{
    public static TheoryData<string> ShippedWorkflows()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TestEnvironment.RepoRoot, "workflows"), "*.yaml").Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedWorkflows))]
    public void ShippedWorkflow_CanBeBuiltFromThePalette(string file)
    {
        var catalog = StepCatalogs.Default;
        var target = WorkflowLoader.LoadFile(Path.Combine(TestEnvironment.RepoRoot, "workflows", file), catalog);
        Assert.True(target.Succeeded, string.Join("\n", target.Diagnostics));
        var goal = target.Definition!;
        var editor = new WorkflowEditor(catalog, new WorkflowDocument { Name = goal.Name });
        Assert.True(editor.Apply("workflow", d => d with { Description = goal.Description, Schedule = goal.Schedule }).Applied);
        foreach (var (name, value) in goal.Params) Assert.True(editor.Apply("param", d => d.SetParam(name, value)).Applied);

        foreach (var step in goal.Steps)
        {
            Assert.True(editor.AddStep(step.Uses, null, out var added).Applied);
            if (added != step.Id) Assert.True(editor.Rename(added!, step.Id).Applied);
            foreach (var need in step.Needs) Assert.True(editor.Connect(need, step.Id).Applied);
            var type = catalog.Find(step.Uses)!;
            foreach (var required in type.Inputs.Where(i => i.Required))
                Assert.Contains(editor.Validation.ForInput(step.Id, required.Name), p => p.Message.Contains("missing required input"));
            if (!step.Queue.Equals(type.DefaultQueue, StringComparison.Ordinal) || step.Retry.Attempts > 1 || step.Timeout is not null || !step.Cache)
                Assert.True(editor.UpdateStep(step.Id, "settings", s => s with
                {
                    Queue = step.Queue, Cache = step.Cache ? null : false,
                    Retry = step.Retry.Attempts > 1 ? new RetrySetting(step.Retry.Attempts, Durations.Format(step.Retry.Backoff)) : null,
                    Timeout = step.Timeout is { } t ? Durations.Format(t) : null,
                }).Applied);
            foreach (var (input, value) in step.With)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith("${{ steps.", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal))
                {
                    var offered = ReferencePicker.Outputs(editor.Document, step.Id, type.FindInput(input)!, catalog).Select(o => o.Expression);
                    Assert.Contains(text, offered);
                }
                Assert.True(editor.SetInput(step.Id, input, value).Applied);
            }
            Assert.Empty(editor.Validation.ForStep(step.Id));
        }

        Assert.True(editor.Validation.IsValid, string.Join("\n", editor.Validation.Problems.Select(p => p.Diagnostic)));
        var built = editor.Validation.Result.Definition!;
        Assert.Equal(Describe(goal), Describe(built));
    }

    private static string Describe(WorkflowDefinition d) =>
        $"{d.Name}|{d.Description}|{d.Schedule}|{string.Join(",", d.Params.Select(p => $"{p.Key}={p.Value?.ToJsonString()}"))}\n"
        + string.Join("\n", d.Steps.Select(s => $"{s.Id} {s.Uses} [{string.Join(",", s.Needs)}] {s.Queue} {s.Retry} {s.Cache} {s.Timeout} {s.With.ToJsonString()}"));
}
