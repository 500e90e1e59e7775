namespace T1.Ml.Evaluation;

/// <summary>
/// This checkpoint minus the baseline on the same problems at one budget (candidate − baseline, in shares):
/// greedy accuracy with McNemar's exact p, and sampled pass@1 when both reports sampled; each difference with
/// its paired percentile-bootstrap 95 % interval over problems.
/// </summary>
public sealed record BudgetComparison
{
    /// <summary>Greedy accuracy difference, its interval and McNemar's test.</summary>
    public Difference Greedy { get; init; } = new();

    /// <summary>Sampled pass@1 difference and its interval; null unless both reports drew samples.</summary>
    public Difference? Sampled { get; init; }

    /// <summary>Which difference <see cref="Significant"/> reads: <c>sampled</c> when both sampled, else <c>greedy</c>.</summary>
    public string Primary { get; init; } = EvaluationTrace.Greedy;

    /// <summary>True when the primary difference's 95 % interval lies wholly above 0: the candidate is better beyond noise.</summary>
    public bool Significant { get; init; }
}
