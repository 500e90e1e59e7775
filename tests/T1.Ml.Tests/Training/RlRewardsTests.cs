using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Training;

namespace T1.Ml.Tests.Training;

public class RlRewardsTests
{
    private static readonly Problem Sum = new("arithmetic-x", "arithmetic", "Compute 3+4.", "7", 1, new Dictionary<string, string>());
    private static readonly RlOptions Options = new() { RepetitionNgram = 4, RepetitionRepeats = 3 };

    private static SampledSequence Response(string text, FinishReason finish = FinishReason.Stop, IReadOnlyList<int>? tokens = null) =>
        new(tokens ?? Enumerable.Range(0, 12).ToArray(), new float[(tokens ?? Enumerable.Range(0, 12).ToArray()).Count], finish, text, null);

    [Fact]
    public void VerifiedAnswer_GetsOne_WrongAnswer_GetsZero()
    {
        Assert.Equal(new RlReward(1, RlOutcome.Correct), RlRewards.Score(Sum, Response("Try: 3+4=7.\nFinal answer: \\boxed{7}"), Options));
        Assert.Equal(new RlReward(0, RlOutcome.Wrong), RlRewards.Score(Sum, Response("Final answer: \\boxed{8}"), Options));
    }

    [Fact]
    public void Overlong_Repetitive_Unparsable_GetTheBadResponseReward()
    {
        // overlong wins even when the cut-off text happens to hold the right answer
        Assert.Equal(new RlReward(-1, RlOutcome.Overlong), RlRewards.Score(Sum, Response("\\boxed{7} and on and on", FinishReason.Length), Options));
        int[] loop = [5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8, 9];
        Assert.Equal(new RlReward(-1, RlOutcome.Repetitive), RlRewards.Score(Sum, Response("\\boxed{7}", tokens: loop), Options));
        Assert.Equal(new RlReward(-1, RlOutcome.Unparsable), RlRewards.Score(Sum, Response("<think>I think it is seven"), Options));
        var mild = Options with { OverlongPenalty = -0.5 };
        Assert.Equal(-0.5, RlRewards.Score(Sum, Response("no answer"), mild).Value);
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3 }, 3, 3, true)]   // period-3 loop, three times
    [InlineData(new[] { 1, 2, 3, 1, 2, 3, 4, 5, 6 }, 3, 3, false)]  // only twice
    [InlineData(new[] { 7, 7, 7, 7, 7 }, 3, 3, true)]               // overlapping occurrences count
    [InlineData(new[] { 7, 7, 7, 7 }, 3, 3, false)]
    [InlineData(new[] { 1, 2, 1, 2, 1, 2 }, 0, 3, false)]           // n = 0: off
    [InlineData(new[] { 1, 2, 3, 4 }, 8, 3, false)]                 // shorter than the n-gram
    public void IsRepetitive_CountsRepeatedNgrams(int[] tokens, int n, int repeats, bool expected) =>
        Assert.Equal(expected, RlRewards.IsRepetitive(tokens, n, repeats));

    [Fact]
    public void IsRepetitive_TraceWithSimilarCheckLines_IsNotALoop()
    {
        // T1 traces repeat a "Check: …" prefix once per attempt; with n = 24 tokens that is not a loop.
        var tok = RlTestKit.Tokenizer;
        var trace = "<think>\nTry: 45+27=72, 72*12=864.\nCheck: 45+27*12=45+324=369, not 864.\nTry: 27*12=324, 45+324=369.\nCheck: 45+27*12=45+324=369, correct.\n</think>\nFinal answer: \\boxed{369}";
        Assert.False(RlRewards.IsRepetitive(tok.Encode(trace), 24, 3));
        var looping = "<think>\n" + string.Concat(Enumerable.Repeat("Check: 45+27*12=45+324=369, not 864.\n", 4));
        Assert.True(RlRewards.IsRepetitive(tok.Encode(looping), 24, 3));
    }
}
