using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class CanvasLayoutTests
{
    [Fact]
    public void Arrange_PutsEachStepOneColumnRightOfTheDeepestStepItNeeds()
    {
        var doc = CanvasLayout.Arrange(WorkflowYaml.Import(ShippedWorkflow("hello.yaml")));
        double X(string id) => doc.Step(id).Position!.Value.X;
        Assert.Equal(X("nap-short"), X("nap-long"));
        Assert.True(X("greet") < X("nap-short"));
        Assert.True(X("nap-short") < X("summary"));
        Assert.NotEqual(doc.Step("nap-short").Position, doc.Step("nap-long").Position);
    }

    [Fact]
    public void Arrange_KeepsPlacedSteps_AndSurvivesCycles()
    {
        var doc = WorkflowYaml.Import(Chain).UpdateStep("sft", s => s with { Position = new CanvasPoint(1, 2), Needs = ["synth", "report"] });
        var arranged = CanvasLayout.Arrange(doc);
        Assert.Equal(new CanvasPoint(1, 2), arranged.Step("sft").Position);
        Assert.All(arranged.Steps, s => Assert.NotNull(s.Position));
    }
}
