using T1.Ml.Sampling;
using T1.Ml.Tests.Training;

namespace T1.Ml.Tests.Sampling;

public sealed class BudgetForcingTests
{
    // A thinking with a failed attempt, its reflection and a second attempt, as the synthesized traces write it.
    private const string FirstAttempt = "\nTry: 3x=22+7=29, x=29/3=9.\n";
    private const string FirstCheck = "Check: 3*9+7=27+7=34, not 22.\n";
    private const string Reflection = "That gives 34, not 22; the mistake was the sign of 7 when moving it.\n";
    private const string SecondAttempt = "Try: 3x=22-7=15, x=15/3=5.\n";
    private const string SecondCheck = "Check: 3*5+7=15+7=22, correct.\n";

    private static BudgetForcing Forcing(string cutAt) =>
        new(RlTestKit.Tokenizer, T1.Ml.Evaluation.BudgetEvaluationOptions.DefaultAnswerPrompt, cutAt);

    private static int Count(string text) => RlTestKit.Tokenizer.Encode(text).Count;

    private static string Kept(BudgetForcing forcing, string thinking, int budget)
    {
        var ids = RlTestKit.Tokenizer.Encode(thinking);
        return RlTestKit.Tokenizer.Decode([.. ids.Take(forcing.Keep(ids, budget))]);
    }

    [Fact]
    public void CutAtCheck_KeepsTheThinkingUpToTheLastCompleteCheck()
    {
        var thinking = FirstAttempt + FirstCheck + Reflection + SecondAttempt + SecondCheck;
        var check = Forcing(BudgetForcing.CutAtCheck);
        // Within the second attempt, or after it but before its check: back to the end of the first check.
        Assert.Equal(FirstAttempt + FirstCheck, Kept(check, thinking, Count(FirstAttempt + FirstCheck + Reflection + SecondAttempt)));
        Assert.Equal(FirstAttempt + FirstCheck, Kept(check, thinking, Count(FirstAttempt + FirstCheck + Reflection + "Try: 3x=2")));
        // The whole second check within the budget: kept with it.
        Assert.Equal(thinking, Kept(check, thinking, Count(thinking)));
        // No complete check within the budget: only the opening line, an empty thinking.
        Assert.Equal("\n", Kept(check, thinking, Count(FirstAttempt + "Check: 3*9")));
        // Line cuts keep the unchecked attempt that check cuts drop.
        Assert.Equal(FirstAttempt + FirstCheck + Reflection + SecondAttempt,
            Kept(Forcing(BudgetForcing.CutAtLine), thinking, Count(FirstAttempt + FirstCheck + Reflection + SecondAttempt)));
    }

    [Fact]
    public void CutAtCheck_WithNoOpeningNewline_AndNoCheck_KeepsNothing()
    {
        var thinking = "Try: 3x=22-7=15, x=15/3=5.\n";
        Assert.Equal("", Kept(Forcing(BudgetForcing.CutAtCheck), thinking, Count(thinking)));
    }

    [Fact]
    public void UnknownCutMode_IsRefused_NamingTheModes()
    {
        var e = Assert.Throws<ArgumentException>(() => Forcing("word"));
        Assert.StartsWith("cut_at must be token, line or check, got 'word'", e.Message);
    }
}
