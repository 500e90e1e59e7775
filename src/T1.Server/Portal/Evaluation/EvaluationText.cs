using System.Globalization;

namespace T1.Server.Portal.Evaluation;

/// <summary>How the portal writes the figures of an evaluation.</summary>
public static class EvaluationText
{
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Tokens(double tokens) => tokens.ToString("0", CultureInfo.InvariantCulture);
}
