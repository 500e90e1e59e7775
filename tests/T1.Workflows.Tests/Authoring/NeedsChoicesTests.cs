using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class NeedsChoicesTests
{
    [Fact]
    public void For_OffersNoStepDownstream_SoNoChoiceMakesACycle()
    {
        var doc = WorkflowYaml.Import(Chain);
        // synth → sft → report: synth may need only the unrelated step; report may need anything before it.
        Assert.Equal(["other"], NeedsChoices.For(doc, "synth").Select(s => s.Id));
        Assert.Equal(["synth", "other"], NeedsChoices.For(doc, "sft").Select(s => s.Id));
        Assert.Equal(["synth", "sft", "other"], NeedsChoices.For(doc, "report").Select(s => s.Id));
        // Every offered choice connects without a refusal.
        foreach (var step in doc.Steps)
            foreach (var choice in NeedsChoices.For(doc, step.Id).Where(c => !step.Needs.Contains(c.Id)))
                Assert.Null(new WorkflowEditor(Catalog, doc).Connect(choice.Id, step.Id).Error);
    }

    [Fact]
    public void For_KeepsANeedThatIsAlreadyACycle_SoItCanBeUnticked()
    {
        var doc = WorkflowYaml.Import("""
            name: loop
            steps:
              - id: a
                uses: echo
                needs: [b]
              - id: b
                uses: echo
                needs: [a]
            """);
        Assert.Equal(["b"], NeedsChoices.For(doc, "a").Select(s => s.Id));
    }
}
