using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using T1.Workflows.Steps;

namespace T1.Workflows.Tests.Definitions;

/// <summary>Step types declared only for these tests: every input kind the validator checks.</summary>
[StepType("synthesize", Category = "Test")]
[StepOutput("dataset", Kind = ValueKind.Artifact)]
[StepOutput("count", Kind = ValueKind.Integer)]
[StepOutput("summary")]
public sealed class TestSynthesizeStep : StepHandler<TestSynthesizeStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(OneOf = ["countdown", "arithmetic"])]
        public string Task { get; set; } = "countdown";

        [StepInput, Range(1, 1_000_000)]
        public int Count { get; set; } = 100;

        [StepInput]
        public int Seed { get; set; }
    }

    protected override Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new StepResult());
}

[StepType("sft", Category = "Test", DefaultQueue = "gpu")]
[StepOutput("checkpoint", Kind = ValueKind.Artifact)]
[StepOutput("loss", Kind = ValueKind.Number)]
[StepOutput("converged", Kind = ValueKind.Boolean)]
public sealed class TestSftStep : StepHandler<TestSftStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(Required = true, Kind = ValueKind.Artifact)]
        public string Dataset { get; set; } = "";

        [StepInput, Range(1, 100)]
        public int Epochs { get; set; } = 1;

        [StepInput, Range(0.0, 1.0)]
        public double LearningRate { get; set; } = 1e-3;

        [StepInput]
        public bool Shuffle { get; set; } = true;

        [StepInput]
        public TimeSpan Warmup { get; set; }

        [StepInput]
        public List<int> Budgets { get; set; } = [];

        [StepInput]
        public JsonObject? Extra { get; set; }
    }

    protected override Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new StepResult());
}
