using System.Text.Json.Nodes;
using T1.Workflows.Authoring;
using T1.Workflows.Definitions;
using T1.Workflows.Tests.Definitions;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class WorkflowYamlTests
{
    public static TheoryData<string> ShippedWorkflows() => WorkflowFixturesTests.ShippedWorkflows();

    [Theory]
    [MemberData(nameof(ShippedWorkflows))]
    public void ShippedWorkflow_ImportThenWrite_GivesTheFileBackByteForByte(string file)
    {
        var text = ShippedWorkflow(file).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(text, WorkflowYaml.Write(WorkflowYaml.Import(text)));
    }

    [Theory]
    [MemberData(nameof(ShippedWorkflows))]
    public void ShippedWorkflow_WrittenAfresh_IsStableAndMeansTheSame(string file)
    {
        var text = ShippedWorkflow(file);
        var fresh = WorkflowYaml.WriteFresh(WorkflowYaml.Import(text));
        Assert.Equal(fresh, WorkflowYaml.Write(WorkflowYaml.Import(fresh)));
        Assert.Equal(fresh, WorkflowYaml.WriteFresh(WorkflowYaml.Import(fresh)));

        // Both validate against the real step catalog, to the same definition.
        var original = WorkflowLoader.Load(text, file, DefinitionsTestKit.Shipped);
        var rewritten = WorkflowLoader.Load(fresh, file, DefinitionsTestKit.Shipped);
        Assert.True(original.Definition is not null, string.Join("\n", original.Diagnostics));
        Assert.True(rewritten.Definition is not null, string.Join("\n", rewritten.Diagnostics));
        Assert.Equal(Describe(original.Definition), Describe(rewritten.Definition));
    }

    [Theory]
    [InlineData("cycle.yaml")]
    [InlineData("expressions.yaml")]
    [InlineData("inputs.yaml")]
    [InlineData("settings.yaml")]
    [InlineData("unknown-keys.yaml")]
    [InlineData("bad-needs.yaml")]
    public void InvalidFixture_OpensAndWritesBackUnchanged(string file)
    {
        var text = File.ReadAllText(Path.Combine(DefinitionsTestKit.FixturesDirectory, file)).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(text, WorkflowYaml.Write(WorkflowYaml.Import(text)));
    }

    [Fact]
    public void SettingOneInput_RewritesOnlyThatLine()
    {
        var text = ShippedWorkflow("hello.yaml");
        var doc = WorkflowYaml.Import(text).SetInput("shout", "message", JsonValue.Create("louder"));
        var (removed, added) = Diff(text, WorkflowYaml.Write(doc));
        Assert.Equal(["      message: \"${{ steps.greet.outputs.message }} (again)\""], removed);
        Assert.Equal(["      message: louder"], added);
    }

    [Fact]
    public void ChangingAFlowMapping_RewritesThatLineOnly()
    {
        var text = ShippedWorkflow("hello.yaml");
        var doc = WorkflowYaml.Import(text).SetInput("nap-short", "tick", JsonValue.Create("200ms"));
        var (removed, added) = Diff(text, WorkflowYaml.Write(doc));
        Assert.Equal(["    with: { duration: \"${{ params.pause }}\", tick: 100ms }"], removed);
        Assert.Equal(["    with:", "      duration: \"${{ params.pause }}\"", "      tick: 200ms"], added);
    }

    [Fact]
    public void RenamingAStep_RewritesItsIdAndTheLinesThatNameIt_KeepingComments()
    {
        var text = ShippedWorkflow("hello.yaml");
        var written = WorkflowYaml.Write(WorkflowYaml.Import(text).RenameStep("greet", "hi"));
        Assert.StartsWith("# A first workflow", written);
        var changed = text.Split('\n').Zip(written.Split('\n')).Where(p => p.First != p.Second).ToList();
        Assert.Equal([
            ("  - id: greet", "  - id: hi"),
            ("    needs: greet", "    needs: [hi]"),
            ("    needs: [greet]", "    needs: [hi]"),
            ("    needs: [greet]", "    needs: [hi]"),
            ("      message: \"${{ steps.greet.outputs.message }} (again)\"", "      message: \"${{ steps.hi.outputs.message }} (again)\""),
        ], changed);
    }

    [Fact]
    public void AddingAKey_PutsItInItsUsualPlace_AndDeletingAStepTakesItsCommentsAlong()
    {
        const string text = """
            # header
            name: w
            steps:
              # the first step
              - id: a
                uses: echo
                with:
                  message: hi   # inline comment kept

              # the second step
              - id: b
                uses: echo
                with: { message: there }
            """;
        var doc = WorkflowYaml.Import(text).Connect("a", "b").UpdateStep("a", s => s with { Queue = "gpu" });
        Assert.Equal("""
            # header
            name: w
            steps:
              # the first step
              - id: a
                uses: echo
                queue: gpu
                with:
                  message: hi   # inline comment kept

              # the second step
              - id: b
                uses: echo
                needs: [a]
                with: { message: there }

            """, WorkflowYaml.Write(doc));
        Assert.Equal("""
            # header
            name: w
            steps:
              # the first step
              - id: a
                uses: echo
                queue: gpu
                with:
                  message: hi   # inline comment kept


            """, WorkflowYaml.Write(doc.DeleteStep("b")));
    }

    [Fact]
    public void NewAndReorderedSteps_KeepTheTextOfTheOldOnes()
    {
        var text = ShippedWorkflow("hello.yaml");
        var doc = WorkflowYaml.Import(text);
        var reordered = doc with { Steps = [doc.Step("summary"), .. doc.Steps.Where(s => s.Id != "summary")] };
        reordered = reordered.AddStep(Type("echo"), out _).SetInput("echo", "message", JsonValue.Create("new"));
        var written = WorkflowYaml.Write(reordered);
        Assert.Contains("  - id: summary\n    uses: echo\n    needs: [nap-short, nap-long, shout]\n    with:\n      message: >-\n", written);
        Assert.EndsWith("  - id: echo\n    uses: echo\n    with:\n      message: new\n", written);
        var again = WorkflowYaml.Import(written);
        Assert.Equal(["summary", "greet", "nap-short", "nap-long", "shout", "echo"], again.Steps.Select(s => s.Id));
        Assert.Equal(written, WorkflowYaml.Write(again));
    }

    [Fact]
    public void Values_AreWrittenSoTheyReadBackAsTheSameKind()
    {
        var doc = new WorkflowDocument { Name = "kinds" }
            .AddStep(Type("sft"), out _)
            .SetInput("sft", "dataset", JsonValue.Create("7"))
            .SetInput("sft", "learning_rate", JsonValue.Create(2.0))
            .SetInput("sft", "budgets", new JsonArray(32, 64))
            .SetInput("sft", "extra", new JsonObject { ["note"] = "a: b", ["on"] = "yes", ["empty"] = "" })
            .SetParam("multi", JsonValue.Create("line one\nline \"two\""));
        var yaml = WorkflowYaml.Write(doc);
        var back = WorkflowYaml.Import(yaml);
        Assert.Equal(WorkflowYaml.Write(doc), WorkflowYaml.Write(back));
        Assert.Equal("7", back.Step("sft").Input("dataset")!.GetValue<string>());
        Assert.Equal(2.0, back.Step("sft").Input("learning_rate")!.GetValue<double>());
        Assert.True(JsonNode.DeepEquals(doc.Step("sft").Input("extra"), back.Step("sft").Input("extra")));
        Assert.Equal("line one\nline \"two\"", back.Params.Single().Value!.GetValue<string>());
    }

    private static string Describe(WorkflowDefinition d) =>
        $"{d.Name}|{d.Description}|{d.Schedule}|{string.Join(",", d.Params.Select(p => $"{p.Key}={p.Value?.ToJsonString()}"))}\n"
        + string.Join("\n", d.Steps.Select(s => $"{s.Id} {s.Uses} [{string.Join(",", s.Needs)}] {s.Queue} {s.Retry} {s.Cache} {s.Timeout} {s.With.ToJsonString()}"));
}
