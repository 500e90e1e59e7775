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

        [StepInput(Advanced = true, Description = "Fail as a bug or a native library would: an unexpected exception (not a step error) whose message is `message` followed by a native-style backtrace.")]
        public bool Unexpected { get; set; }
    }

    protected override Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        if (context.Attempt <= inputs.Times)
            throw inputs.Unexpected
                ? new InvalidOperationException($"{inputs.Message}\nException raised from Fail at fail.cpp:1 (most recent call first):\nframe #0: Fail() + 0x10")
                : new StepFailedException(inputs.Message);
        return Task.FromResult(new StepResult().Set("attempt", context.Attempt));
    }
}
