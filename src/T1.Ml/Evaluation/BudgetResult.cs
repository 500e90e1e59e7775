namespace T1.Ml.Evaluation;

/// <summary>The figures of one thinking-token budget.</summary>
public sealed record BudgetResult
{
    /// <summary>Most thinking tokens allowed before the thinking is cut and the answer forced.</summary>
    public int Budget { get; init; }

    /// <summary>The report's primary figure, 0..1: sampled pass@1 when samples were drawn, else greedy accuracy (see <see cref="EvaluationReport.Primary"/>).</summary>
    public double Accuracy { get; init; }

    /// <summary>Mean thinking tokens actually used (primary responses).</summary>
    public double MeanThinkingTokens { get; init; }

    /// <summary>Share of primary responses whose thinking was cut at the budget, 0..1.</summary>
    public double TruncationRate { get; init; }

    /// <summary>Share of primary responses with a parsable final answer, 0..1.</summary>
    public double ParsableRate { get; init; }

    /// <summary>Primary responses graded at this budget (problems × samples).</summary>
    public int Responses { get; init; }

    /// <summary>One greedy response per problem: accuracy with its Wilson interval.</summary>
    public PassResult? Greedy { get; init; }

    /// <summary>n sampled responses per problem: pass@1 with its normal interval over problems; null when samples = 0.</summary>
    public PassResult? Sampled { get; init; }

    /// <summary>Paired comparison with the baseline report on the same problems; null without a baseline.</summary>
    public BudgetComparison? Comparison { get; init; }
}
