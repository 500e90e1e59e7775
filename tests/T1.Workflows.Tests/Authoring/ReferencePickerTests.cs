using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class ReferencePickerTests
{
    [Fact]
    public void Outputs_OffersOnlyUpstreamStepsTransitively_WithFittingKinds()
    {
        var doc = WorkflowYaml.Import(Chain);
        var message = Type("echo").FindInput("message")!; // text: any scalar output fits
        var offered = ReferencePicker.Outputs(doc, "report", message, Catalog).Select(o => o.Expression);
        Assert.Equal([
            "${{ steps.synth.outputs.dataset }}", "${{ steps.synth.outputs.count }}", "${{ steps.synth.outputs.summary }}",
            "${{ steps.sft.outputs.checkpoint }}", "${{ steps.sft.outputs.loss }}", "${{ steps.sft.outputs.converged }}",
        ], offered);
    }

    [Fact]
    public void Outputs_ForAnArtifactInput_OffersArtifactsOnly()
    {
        var doc = WorkflowYaml.Import(Chain);
        var dataset = Type("sft").FindInput("dataset")!;
        Assert.Equal(["${{ steps.synth.outputs.dataset }}"], ReferencePicker.Outputs(doc, "sft", dataset, Catalog).Select(o => o.Expression));
        Assert.Equal(["count"], ReferencePicker.Outputs(doc, "sft", Type("sft").FindInput("epochs")!, Catalog).Select(o => o.Name));
    }

    [Fact]
    public void Outputs_NeverOffersDownstreamOrUnconnectedSteps()
    {
        var doc = WorkflowYaml.Import(Chain);
        Assert.Empty(ReferencePicker.Outputs(doc, "synth", Type("synthesize").FindInput("seed")!, Catalog));
        Assert.Empty(ReferencePicker.Outputs(doc, "other", Type("echo").FindInput("message")!, Catalog));
        var connected = doc.Connect("report", "other");
        Assert.Contains("${{ steps.report.outputs.message }}",
            ReferencePicker.Outputs(connected, "other", Type("echo").FindInput("message")!, Catalog).Select(o => o.Expression));
    }

    [Fact]
    public void Params_OffersParamsWhoseDefaultFits()
    {
        var doc = WorkflowYaml.Import(ShippedWorkflow("hello.yaml"));
        var duration = Type("sleep").FindInput("duration")!;
        Assert.Equal(["greeting", "who", "pause"], ReferencePicker.Params(doc, duration).Select(p => p.Name));
        Assert.Equal("${{ params.pause }}", ReferencePicker.Params(doc, duration)[2].Expression);
    }
}
