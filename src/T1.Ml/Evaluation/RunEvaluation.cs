namespace T1.Ml.Evaluation;

/// <summary>
/// A succeeded <c>evaluate</c> step of a run and its report (read from the step's <c>report</c> folder
/// artifact), or the error that kept it from being read.
/// </summary>
public sealed record RunEvaluation(string RunId, string StepId, string Sha256, EvaluationReport? Report, Exception? Failure);
