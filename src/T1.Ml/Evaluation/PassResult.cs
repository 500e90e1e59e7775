namespace T1.Ml.Evaluation;

/// <summary>
/// One decoding mode at one budget: greedy (one response per problem; the interval is Wilson's) or sampled
/// (n per problem; pass@1 is the mean over problems of each problem's share of right samples, the interval is
/// mean ± 1.96 standard errors over problems). See <see cref="Statistics.ConfidenceIntervals"/>.
/// </summary>
public sealed record PassResult
{
    /// <summary>Greedy accuracy or sampled pass@1, 0..1.</summary>
    public double Accuracy { get; init; }

    /// <summary>Lower end of the 95 % interval.</summary>
    public double CiLow { get; init; }

    /// <summary>Upper end of the 95 % interval.</summary>
    public double CiHigh { get; init; }

    /// <summary>Responses per problem (1 for greedy).</summary>
    public int Samples { get; init; }

    /// <summary>Right responses of all graded here.</summary>
    public int Correct { get; init; }

    /// <summary>Responses graded (problems × samples).</summary>
    public int Responses { get; init; }

    /// <summary>Mean thinking tokens used.</summary>
    public double MeanThinkingTokens { get; init; }

    /// <summary>Share of responses whose thinking was cut at the budget (the cut share), 0..1.</summary>
    public double TruncationRate { get; init; }

    /// <summary>Share of responses with one final answer in the right place, 0..1.</summary>
    public double ParsableRate { get; init; }
}
