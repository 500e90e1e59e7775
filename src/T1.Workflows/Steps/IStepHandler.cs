namespace T1.Workflows.Steps;

/// <summary>
/// Runs one step. Delivery is at least once: the same attempt may be picked up twice by
/// different workers (see DESIGN.md, Hangfire.PostgreSql). Only the current attempt's
/// outputs, metrics and artifacts are recorded, so handlers must be safe to run twice.
/// </summary>
public interface IStepHandler
{
    Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken);
}

/// <summary>Base class for handlers: binds the resolved `with:` values to <typeparamref name="TInputs"/>.</summary>
public abstract class StepHandler<TInputs> : IStepHandler where TInputs : class, new()
{
    public Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken) =>
        RunAsync(InputBinder.Bind<TInputs>(context.Inputs, context.StepId), context, cancellationToken);

    protected abstract Task<StepResult> RunAsync(TInputs inputs, StepContext context, CancellationToken cancellationToken);
}
