namespace T1.Ml.Evaluation;

/// <summary>A paired difference (candidate − baseline, shares) with its 95 % interval.</summary>
public sealed record Difference
{
    /// <summary>Mean over problems of the candidate's score minus the baseline's.</summary>
    public double Value { get; init; }

    /// <summary>Lower end of the paired bootstrap 95 % interval.</summary>
    public double CiLow { get; init; }

    /// <summary>Upper end of the paired bootstrap 95 % interval.</summary>
    public double CiHigh { get; init; }

    /// <summary>Greedy only: problems right for the candidate and wrong for the baseline.</summary>
    public int? CandidateOnly { get; init; }

    /// <summary>Greedy only: problems right for the baseline and wrong for the candidate.</summary>
    public int? BaselineOnly { get; init; }

    /// <summary>Greedy only: McNemar's exact two-sided p-value on the discordant problems.</summary>
    public double? McnemarP { get; init; }
}
