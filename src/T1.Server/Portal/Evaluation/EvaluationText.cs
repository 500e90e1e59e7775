using System.Globalization;

namespace T1.Server.Portal.Evaluation;

/// <summary>How the portal writes the figures of an evaluation.</summary>
public static class EvaluationText
{
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Tokens(double tokens) => tokens.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>"41.0% [35.2, 47.1]": a share with its 95% interval.</summary>
    public static string WithInterval(T1.Ml.Evaluation.PassResult? r) =>
        r is null ? "—" : T1.Ml.Evaluation.EvaluationLines.Ci(r.Accuracy, r.CiLow, r.CiHigh);

    /// <summary>A p-value with three decimals ("&lt;0.001" below).</summary>
    public static string P(double? p) => p is not { } v ? "—" : v < 0.001 ? "<0.001" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
