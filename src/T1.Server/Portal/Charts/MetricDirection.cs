namespace T1.Server.Portal.Charts;

/// <summary>Which way a metric improves, judged from its name (the metrics carry no unit or goal).</summary>
public static class MetricDirection
{
    private static readonly string[] LowerBetter = ["loss", "kl", "error", "perplexity", "ppl", "overlong", "truncat", "unparsable", "repetit", "seconds", "elapsed"];

    /// <summary>True for losses, KL, error and truncation rates and durations; false (higher is better) for everything else.</summary>
    public static bool LowerIsBetter(string key)
    {
        var name = key[(key.LastIndexOf('·') + 1)..].Trim().ToLowerInvariant();
        return LowerBetter.Any(name.Contains);
    }
}
