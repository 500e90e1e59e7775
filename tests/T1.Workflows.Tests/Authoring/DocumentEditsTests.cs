using System.Text.Json.Nodes;
using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class DocumentEditsTests
{
    [Fact]
    public void AddStep_NamesStepsAfterTheirTypeAndKeepsIdsUnique()
    {
        var doc = new WorkflowDocument { Name = "w" }
            .AddStep(Type("sft"), out var first)
            .AddStep(Type("sft"), out var second)
            .AddStep(Type("sft"), out var third);
        Assert.Equal(["sft", "sft-2", "sft-3"], [first, second, third]);
        Assert.All(doc.Steps, s => Assert.Equal("sft", s.Uses));
        Assert.All(doc.Steps, s => Assert.Empty(s.With));
    }

    [Fact]
    public void Connect_SetsNeedsOfTheTarget()
    {
        var doc = WorkflowYaml.Import(Chain).Connect("other", "report");
        Assert.Equal(["sft", "other"], doc.Step("report").Needs.ToArray());
    }

    [Fact]
    public void Connect_RefusesACycle_NamingThePathThatWouldClose()
    {
        var doc = WorkflowYaml.Import(Chain);
        var e = Assert.Throws<WorkflowEditException>(() => doc.Connect("report", "synth"));
        Assert.Equal("cannot connect 'report' → 'synth': 'report' already needs 'synth' (report → sft → synth), so this would make a cycle", e.Message);
        Assert.Throws<WorkflowEditException>(() => doc.Connect("sft", "sft"));
    }

    [Fact]
    public void Disconnect_RemovesOnlyThatNeed()
    {
        var doc = WorkflowYaml.Import(Chain).Connect("other", "report").Disconnect("sft", "report");
        Assert.Equal(["other"], doc.Step("report").Needs.ToArray());
    }

    [Fact]
    public void DeleteStep_RemovesItFromNeedsAndUnsetsInputsThatWereItsOutput()
    {
        var doc = WorkflowYaml.Import(Chain).DeleteStep("synth");
        Assert.Null(doc.FindStep("synth"));
        Assert.Empty(doc.Step("sft").Needs.ToArray());
        Assert.False(doc.Step("sft").HasInput("dataset"));
        // A reference inside longer text stays for validation to show.
        Assert.Equal("loss ${{ steps.sft.outputs.loss }}", WorkflowYaml.Import(Chain).DeleteStep("sft").Step("report").Input("message")!.GetValue<string>());
    }

    [Fact]
    public void RenameStep_UpdatesNeedsAndEveryReference()
    {
        var doc = WorkflowYaml.Import(Chain).RenameStep("sft", "train");
        Assert.Equal(["train"], doc.Step("report").Needs.ToArray());
        Assert.Equal("loss ${{ steps.train.outputs.loss }}", doc.Step("report").Input("message")!.GetValue<string>());
        Assert.Equal("synthesize", doc.Step("synth").Uses);
    }

    [Theory]
    [InlineData("Train", "invalid step id 'Train'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most 64 characters")]
    [InlineData("other", "there is already a step 'other'; choose another id")]
    public void RenameStep_RefusesInvalidOrTakenIds(string newId, string message)
    {
        var e = Assert.Throws<WorkflowEditException>(() => WorkflowYaml.Import(Chain).RenameStep("sft", newId));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void SetInput_ReplacesInPlace_AppendsNew_AndUnsets()
    {
        var doc = WorkflowYaml.Import(Chain)
            .SetInput("synth", "count", JsonValue.Create(5))
            .SetInput("synth", "seed", JsonValue.Create(7));
        Assert.Equal(["count", "seed"], doc.Step("synth").With.Select(w => w.Name));
        Assert.Equal("5", doc.Step("synth").Input("count")!.ToJsonString());
        Assert.Equal(["seed"], doc.SetInput("synth", "count", null, unset: true).Step("synth").With.Select(w => w.Name));
    }

    [Fact]
    public void Edits_LeaveTheOriginalDocumentUntouched()
    {
        var doc = WorkflowYaml.Import(Chain);
        var before = WorkflowYaml.Write(doc);
        _ = doc.SetInput("synth", "count", JsonValue.Create(1)).RenameStep("sft", "x").DeleteStep("other");
        Assert.Equal(before, WorkflowYaml.Write(doc));
    }
}
