namespace T1.Ml.Planning;

/// <summary>
/// Implemented by the inputs record of a step type that holds a model (sft, rl, evaluate): the step's own
/// estimate of its peak memory, computed from the same declared inputs that validation and the designer read
/// (no second table of input names). <c>t1 plan</c> and <c>t1 run</c> call it for every such step.
/// </summary>
public interface IPlansMemory
{
    /// <summary>The input naming the model the step loads or builds.</summary>
    PlanModelSource ModelSource { get; }

    /// <summary>The step's <c>device</c> input (auto, cpu, cuda, cuda:N).</summary>
    string Device { get; }

    /// <summary>The step's phases and what each holds at its peak, for <paramref name="model"/>.</summary>
    StepMemoryEstimate EstimateMemory(PlanModel model, PlanSettings settings);
}
