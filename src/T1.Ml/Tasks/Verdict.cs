namespace T1.Ml.Tasks;

/// <summary>The answer verifier's decision and why: "equal as numbers", "no answer found", "input too long"…</summary>
/// <param name="IsCorrect">True when the candidate answer is equivalent to the reference.</param>
/// <param name="Reason">A short human-readable reason, stable enough to assert on in tests.</param>
/// <param name="Extracted">The answer extracted from a response, when the verdict came from a whole response.</param>
public sealed record Verdict(bool IsCorrect, string Reason, string? Extracted = null)
{
    public static Verdict Correct(string reason) => new(true, reason);
    public static Verdict Wrong(string reason) => new(false, reason);
}
