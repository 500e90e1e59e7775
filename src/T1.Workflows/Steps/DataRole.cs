namespace T1.Workflows.Steps;

/// <summary>
/// What a step input's data is for. A workflow whose training data (an <c>sft</c> dataset, <c>rl</c> prompts)
/// is also one of its evaluation sources is refused by validation and when a run's params are bound: the
/// evaluation would measure memorisation, not the method.
/// </summary>
public enum DataRole
{
    /// <summary>Not a data source (the default).</summary>
    None,

    /// <summary>Data the model is trained on.</summary>
    Training,

    /// <summary>Data the model is evaluated on (held out).</summary>
    Evaluation,
}
