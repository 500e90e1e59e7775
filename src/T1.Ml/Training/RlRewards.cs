using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Tokenization;

namespace T1.Ml.Training;

/// <summary>What a rollout was judged to be; the first matching rule wins, in this order.</summary>
public enum RlOutcome
{
    /// <summary>Reached max_new_tokens without finishing.</summary>
    Overlong,

    /// <summary>Repeats one n-token sequence too often (a loop).</summary>
    Repetitive,

    /// <summary>No single final answer after the thinking (<see cref="ResponseGrader"/>): none, several, or the thinking never closed.</summary>
    Unparsable,

    /// <summary>The verifier rejected the answer.</summary>
    Wrong,

    /// <summary>The verifier accepted the answer.</summary>
    Correct,
}

/// <summary>A rollout's reward and why.</summary>
public readonly record struct RlReward(double Value, RlOutcome Outcome);

/// <summary>Scores one sampled response to one problem.</summary>
public delegate RlReward RlRewardFunction(Problem problem, SampledSequence response);

/// <summary>
/// The T1 reward: 1 when <see cref="ResponseGrader.Grade"/> (the grading evaluation uses) accepts the response, 0 when
/// it rejects its final answer, and
/// <see cref="RlOptions.OverlongPenalty"/> (−1 by default) for responses that are overlong (finish
/// reason length), repetitive (an n-gram of <see cref="RlOptions.RepetitionNgram"/> tokens occurs
/// <see cref="RlOptions.RepetitionRepeats"/> or more times) or unparsable (no single final answer after the thinking).
/// </summary>
public static class RlRewards
{
    /// <summary>
    /// The verifier reward under <paramref name="options"/>: each rollout's tokens become text with their think
    /// tags (<see cref="ResponseGrader.Text"/>, as evaluation does) and are graded by <see cref="ResponseGrader.Grade"/>.
    /// </summary>
    public static RlRewardFunction Verifier(RlOptions options, ITextTokenizer tokenizer) =>
        (problem, response) => Score(problem, response with { Text = ResponseGrader.Text(tokenizer, response.Tokens) }, options);

    /// <summary>Scores a rollout whose <see cref="SampledSequence.Text"/> holds the response with its think tags.</summary>
    public static RlReward Score(Problem problem, SampledSequence response, RlOptions options)
    {
        if (response.Finish == FinishReason.Length) return new(options.OverlongPenalty, RlOutcome.Overlong);
        if (IsRepetitive(response.Tokens, options.RepetitionNgram, options.RepetitionRepeats)) return new(options.OverlongPenalty, RlOutcome.Repetitive);
        var verdict = ResponseGrader.Grade(problem, response.Text);
        if (verdict.Extracted is null) return new(options.OverlongPenalty, RlOutcome.Unparsable);
        return verdict.IsCorrect ? new(1.0, RlOutcome.Correct) : new(0.0, RlOutcome.Wrong);
    }

    /// <summary>
    /// True when some run of <paramref name="n"/> consecutive tokens occurs at least <paramref name="repeats"/>
    /// times (overlapping occurrences count, so a token repeated n + repeats − 1 times in a row is caught).
    /// <paramref name="n"/> = 0 turns the check off. Linear in the length (rolling 128-bit hash).
    /// </summary>
    public static bool IsRepetitive(IReadOnlyList<int> tokens, int n, int repeats)
    {
        if (n <= 0 || tokens.Count < n + repeats - 1) return false;
        const ulong P1 = 1_000_003UL, P2 = 0x100000001B3UL, Mix = 0x9E3779B97F4A7C15UL;
        ulong pow1 = 1, pow2 = 1;
        for (int i = 0; i < n - 1; i++) { pow1 *= P1; pow2 *= P2; }
        ulong h1 = 0, h2 = 0;
        var counts = new Dictionary<(ulong, ulong), int>();
        for (int i = 0; i < tokens.Count; i++)
        {
            ulong t = (ulong)(uint)tokens[i] + 1;
            if (i >= n)
            {
                ulong old = (ulong)(uint)tokens[i - n] + 1;
                h1 -= old * pow1;
                h2 -= (old ^ Mix) * pow2;
            }
            h1 = h1 * P1 + t;
            h2 = h2 * P2 + (t ^ Mix);
            if (i < n - 1) continue;
            var key = (h1, h2);
            var c = counts.GetValueOrDefault(key) + 1;
            if (c >= repeats) return true;
            counts[key] = c;
        }
        return false;
    }
}
