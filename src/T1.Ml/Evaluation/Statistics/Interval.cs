namespace T1.Ml.Evaluation.Statistics;

/// <summary>An estimate with its 95 % confidence interval, all on the same scale (shares 0..1, or differences of shares).</summary>
public readonly record struct Interval(double Estimate, double Low, double High)
{
    /// <summary>True when the whole interval lies above zero (a difference that is significant at 5 %, one-sided 2.5 %).</summary>
    public bool AboveZero => Low > 0;
}
