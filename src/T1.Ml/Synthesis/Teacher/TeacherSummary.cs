using System.Globalization;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>Totals of one teacher synthesis: what was asked, what the verifier kept, and what it cost.</summary>
public sealed record TeacherSummary(int Problems, int Responses, int Accepted, int ProblemsSolved, long PromptTokens, long CompletionTokens, double Cost)
{
    /// <summary>Accepted responses over all responses (0 when there were none).</summary>
    public double AcceptanceRate => Responses == 0 ? 0 : (double)Accepted / Responses;

    public static TeacherSummary Of(int problems, IReadOnlyList<TeacherTraceRecord> records) => new(
        problems, records.Count, records.Count(r => r.Accepted), records.Where(r => r.Accepted).Select(r => r.Problem).Distinct().Count(),
        records.Sum(r => r.PromptTokens), records.Sum(r => r.CompletionTokens), records.Sum(r => r.Cost));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Accepted} of {Responses} teacher responses accepted ({AcceptanceRate * 100:0.0}%), {ProblemsSolved} of {Problems} problems with a kept trace; " +
        $"{PromptTokens} prompt + {CompletionTokens} completion tokens, cost {Cost:0.####}");
}
