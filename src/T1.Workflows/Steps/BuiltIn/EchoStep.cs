namespace T1.Workflows.Steps.BuiltIn;

/// <summary>Built-in test step: returns its message and stores it as a text artifact.</summary>
[StepType("echo", Category = "Built-in", Description = "Returns `message` as an output and stores it as a text artifact. For trying the engine without ML.")]
[StepOutput("message", Description = "The message, unchanged.")]
[StepOutput("file", Kind = ValueKind.Artifact, Artifact = "text", Description = "A text artifact holding the message.")]
public sealed class EchoStep : StepHandler<EchoStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(Required = true, Description = "Text to echo.")]
        public string Message { get; set; } = "";
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        context.Log.Info(inputs.Message);
        var path = Path.Combine(context.WorkDirectory, "message.txt");
        await File.WriteAllTextAsync(path, inputs.Message, cancellationToken);
        var file = await context.Artifacts.PutFileAsync("file", path, "text", cancellationToken);
        return new StepResult().Set("message", inputs.Message).Set("file", file);
    }
}
