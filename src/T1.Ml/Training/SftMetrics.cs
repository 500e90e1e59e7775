namespace T1.Ml.Training;

/// <summary>What the trainer reports every <see cref="SftOptions.LogEvery"/> optimizer steps.</summary>
/// <param name="Step">Optimizer steps done (1-based: the step just taken).</param>
/// <param name="TotalSteps">Optimizer steps of the whole run.</param>
/// <param name="Epoch">Passes over the data so far, fractional.</param>
/// <param name="Loss">Mean loss per response token over the steps since the last report.</param>
/// <param name="LearningRate">Learning rate of the step just taken.</param>
/// <param name="GradNorm">Mean global gradient norm (before clipping) over the steps since the last report.</param>
/// <param name="TokensPerSecond">Real (non-pad) tokens trained per wall-clock second since the last report.</param>
public sealed record SftMetrics(long Step, long TotalSteps, double Epoch, double Loss, double LearningRate, double GradNorm, double TokensPerSecond);

/// <summary>A resumable checkpoint the trainer has just written.</summary>
/// <param name="Step">The optimizer step it holds.</param>
/// <param name="Directory">The checkpoint folder (weights, tokenizer, trainer state, optimizer moments).</param>
public sealed record SftSaved(long Step, string Directory);

/// <summary>The outcome of <see cref="SftTrainer.TrainAsync"/>.</summary>
/// <param name="Steps">Optimizer steps of the run (all of them, including those before a resume).</param>
/// <param name="ResumedFromStep">The step the run resumed from, or null when it started fresh.</param>
/// <param name="FinalLoss">Mean loss per response token over the last reporting window.</param>
/// <param name="Tokens">Real tokens trained by this process (after the resume point).</param>
/// <param name="Elapsed">Wall-clock time of this process's training.</param>
/// <param name="SkippedSteps">Updates skipped because the gradient was not finite.</param>
/// <param name="CheckpointDirectory">The final checkpoint folder (weights, tokenizer, trainer state; no optimizer moments).</param>
public sealed record SftResult(long Steps, long? ResumedFromStep, double FinalLoss, long Tokens, TimeSpan Elapsed, int SkippedSteps, string CheckpointDirectory);
