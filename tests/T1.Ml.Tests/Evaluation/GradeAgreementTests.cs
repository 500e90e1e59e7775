using System.Globalization;
using T1.Ml.Evaluation;
using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Tests.Training;
using T1.Ml.Training;

namespace T1.Ml.Tests.Evaluation;

/// <summary>RL rewards and budget evaluation grade the same responses the same way (one grading function).</summary>
public class GradeAgreementTests
{
    private enum Kind { Correct, WrongNumber, UnclosedThinkingWithBox, PromptCopy, ReopenedThinking, TwoAnswers, BoxOnlyInThinking }

    private static readonly Kind[] Gaming = [Kind.UnclosedThinkingWithBox, Kind.PromptCopy, Kind.ReopenedThinking];

    [Fact]
    public void RewardAndEvaluation_Agree_On200Responses_AndTheGamingPatternsEarnNothing()
    {
        var tok = RlTestKit.Tokenizer;
        using var model = RlTestKit.Model(1);
        var evaluator = new BudgetEvaluator(model, tok);
        var reward = RlRewards.Verifier(new RlOptions(), tok);
        var random = new Random(11);
        var problems = new[] { "arithmetic", "linear", "countdown" }
            .SelectMany(t => ProblemSets.Take(TaskRegistry.Create(t, new TaskOptions { Difficulty = 2 }), ProblemSplit.Validation, 70, seed: 3))
            .ToList();

        var seen = new Dictionary<Kind, int>();
        for (int i = 0; i < 200; i++)
        {
            var problem = problems[random.Next(problems.Count)];
            var kind = (Kind)(i % Enum.GetValues<Kind>().Length);
            seen[kind] = seen.GetValueOrDefault(kind) + 1;
            var text = Response(problem, kind, random);
            int[] tokens = [.. tok.Encode(text), tok.Special.EndOfText];

            // RL: the rollout as the sampler returns it (its Text has the think tags stripped).
            var rollout = new SampledSequence(tokens, new float[tokens.Length], FinishReason.Stop, tok.Decode(tokens, skipSpecialTokens: true), null);
            var r = reward(problem, rollout);

            // Evaluation: the prompt ends with <think>; the thinking runs to the first </think>, the rest is the tail.
            Assert.Equal(tok.Special.ThinkStart, tokens[0]);
            int close = Array.IndexOf(tokens, tok.Special.ThinkEnd);
            var trace = close < 0
                ? evaluator.Grade(problem, 0, 512, tokens[1..^1], [tok.Special.EndOfText], truncated: false)
                : evaluator.Grade(problem, 0, 512, tokens[1..close], tokens[close..], truncated: false);

            var where = $"{kind} on {problem.Prompt}: {text.Replace("\n", "\\n")} → reward {r}, evaluation {trace.Correct} ({trace.Reason})";
            Assert.True(r.Value == 1.0 == trace.Correct, where);
            Assert.True(r.Outcome == RlOutcome.Unparsable == (trace.Extracted is null), where);
            if (Gaming.Contains(kind)) Assert.True(r.Value <= 0 && !trace.Correct, where);
            if (kind == Kind.Correct) Assert.True(r.Value == 1.0, where);
            if (kind is Kind.WrongNumber or Kind.BoxOnlyInThinking or Kind.TwoAnswers) Assert.False(trace.Correct, where);
        }
        Assert.All(Enum.GetValues<Kind>(), k => Assert.True(seen[k] >= 28, $"{k}: {seen[k]}"));
    }

    private static string Response(Problem p, Kind kind, Random random)
    {
        var right = RightAnswer(p);
        var thinking = $"<think>\nTry: {p.Prompt}\nCheck: {right}, correct.\n";
        return kind switch
        {
            Kind.Correct => $"{thinking}</think>\nFinal answer: \\boxed{{{right}}}",
            Kind.WrongNumber => $"{thinking}</think>\nFinal answer: \\boxed{{{WrongNumber(p, random)}}}",
            Kind.UnclosedThinkingWithBox => $"{thinking}So \\boxed{{{right}}}",
            Kind.PromptCopy => $"{thinking}</think>\nFinal answer: \\boxed{{{PromptCopy(p)}}}",
            Kind.ReopenedThinking => $"{thinking}</think>\nFinal answer: \\boxed{{3+20=18, correct.</think>Final answer: \\boxed{{{right}}}",
            Kind.TwoAnswers => $"{thinking}</think>\nFinal answer: \\boxed{{{WrongNumber(p, random)}}} or \\boxed{{{right}}}",
            _ => $"{thinking}\\boxed{{{right}}}\n</think>\nI am not sure.",
        };
    }

    /// <summary>A right answer in the task's form: the number, or for countdown the reference expression.</summary>
    private static string RightAnswer(Problem p) => p.Answer;

    private static string WrongNumber(Problem p, Random random) => p.Task == TaskRegistry.Countdown
        ? p.Metadata["numbers"].Replace(",", "+", StringComparison.Ordinal) + "+1"
        : (long.Parse(p.Answer, CultureInfo.InvariantCulture) + random.Next(1, 9)).ToString(CultureInfo.InvariantCulture);

    /// <summary>An expression whose value is the answer, copied from the prompt: the number literal rule must refuse it.</summary>
    private static string PromptCopy(Problem p) => p.Task switch
    {
        TaskRegistry.Arithmetic => p.Metadata["expression"],
        TaskRegistry.Linear => $"({p.Metadata["c"]}-({p.Metadata["b"]}))/({p.Metadata["a"]})",
        _ => p.Metadata["target"], // countdown: the target itself, not an expression of the numbers
    };
}
