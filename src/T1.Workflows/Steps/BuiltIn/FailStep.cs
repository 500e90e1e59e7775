using System.ComponentModel.DataAnnotations;

namespace T1.Workflows.Steps.BuiltIn;

/// <summary>Built-in test step: fails on its first attempts, then succeeds.</summary>
[StepType("fail", Category = "Built-in", Description = "Fails with `message` on its first `times` attempts, then succeeds. For trying retries and resume.")]
[StepOutput("attempt", Kind = ValueKind.Integer, Description = "The attempt that succeeded.")]
public sealed class FailStep : StepHandler<FailStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(Description = "The error message to fail with.")]
        public string Message { get; set; } = "failed on purpose";

        [StepInput(Description = "How many attempts fail before one succeeds; a large number always fails.")]
        [Range(0, int.MaxValue)]
        public int Times { get; set; } = int.MaxValue;
    }

    protected override Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        if (context.Attempt <= inputs.Times)
            throw new StepFailedException(inputs.Message);
        return Task.FromResult(new StepResult().Set("attempt", context.Attempt));
    }
}
