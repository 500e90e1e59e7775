using T1.Ml.Evaluation;
using T1.Ml.Tasks;
using T1.Ml.Tests.Training;

namespace T1.Ml.Tests.Evaluation;

/// <summary>A micro model that has memorised the traces of <see cref="BudgetEvaluatorTests.Problems"/>, trained once for the class.</summary>
public sealed class MemorisedModel : IDisposable
{
    public MemorisedModel()
    {
        Model = RlTestKit.Model(21);
        Loss = RlTestKit.Supervise(Model, RlTestKit.Tokenizer,
            [("Compute 3+4.", BudgetEvaluatorTests.Trace("3+4", "7")), ("Compute 9-5.", BudgetEvaluatorTests.Trace("9-5", "4"))], steps: 120, lr: 4e-3);
    }

    public T1.Ml.Model.DecoderLM Model { get; }
    public float Loss { get; }

    public void Dispose() => Model.Dispose();
}

[Collection(TorchCollection.Name)]
public sealed class BudgetEvaluatorTests(MemorisedModel memorised) : IClassFixture<MemorisedModel>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Problem P(string expression, string answer) =>
        new($"arithmetic-{answer}", "arithmetic", $"Compute {expression}.", answer, 1, new Dictionary<string, string>());

    internal static readonly Problem[] Problems = [P("3+4", "7"), P("9-5", "4")];

    internal static string Trace(string expression, string answer) =>
        $"<think>\nTry: {expression}={answer}.\nCheck: {expression}={answer}, correct.\n</think>\nFinal answer: \\boxed{{{answer}}}";

    private T1.Ml.Model.DecoderLM Memorised()
    {
        Assert.True(memorised.Loss < 0.05, $"memorising failed, loss {memorised.Loss}");
        return memorised.Model;
    }

    [Fact]
    public void TinyBudget_CutsTheThinking_AndForcesTheAnswer_LargeBudget_LetsTheModelFinish()
    {
        var model = Memorised();
        var tok = RlTestKit.Tokenizer;
        int thinkLength = tok.Encode("\nTry: 3+4=7.\nCheck: 3+4=7, correct.\n").Count;
        var evaluation = new BudgetEvaluator(model, tok).Evaluate(Problems, new BudgetEvaluationOptions { Budgets = [64, 1], MaxAnswerTokens = 16 });
        var report = evaluation.Report;

        Assert.Equal([1, 64], report.Budgets.Select(b => b.Budget));
        var tiny = report.Budgets[0];
        Assert.Equal(1.0, tiny.TruncationRate);     // one token of thinking: always cut
        Assert.Equal(1.0, tiny.MeanThinkingTokens);
        var full = report.Budgets[1];
        Assert.Equal(0.0, full.TruncationRate);
        Assert.Equal(1.0, full.Accuracy);
        Assert.Equal(1.0, full.ParsableRate);
        Assert.InRange(full.MeanThinkingTokens, thinkLength - 3, thinkLength + 3);
        Assert.Equal(1.0, report.AccuracyAt(64));
        Assert.Null(report.AccuracyAt(32));

        var cut = evaluation.Traces.Where(t => t.Budget == 1).ToList();
        Assert.Equal(2, cut.Count);
        Assert.All(cut, t =>
        {
            Assert.True(t.Truncated);
            Assert.Equal(1, t.ThinkingTokens);
            Assert.StartsWith("<think>", t.Response);
            Assert.Contains(BudgetEvaluationOptions.DefaultAnswerPrompt, t.Response); // the forced answer prompt follows the cut
        });
        var finished = evaluation.Traces.Single(t => t.Budget == 64 && t.ProblemId == "arithmetic-7");
        Assert.Equal(Trace("3+4", "7"), finished.Response);
        Assert.Equal("7", finished.Extracted);
        Assert.True(finished.Correct);
    }

    [Fact]
    public void CutAtLine_DropsTheHalfWrittenLine_CutAtToken_KeepsExactlyTheBudget()
    {
        var model = Memorised();
        var tok = RlTestKit.Tokenizer;
        // The budget ends inside the Check line.
        int budget = tok.Encode("\nTry: 3+4=7.\nChe").Count;
        int firstLine = tok.Encode("\nTry: 3+4=7.\n").Count;
        BudgetEvaluation Run(string cutAt) => new BudgetEvaluator(model, tok).Evaluate([Problems[0]],
            new BudgetEvaluationOptions { Budgets = [budget], MaxAnswerTokens = 8, CutAt = cutAt });

        var byToken = Run(BudgetEvaluationOptions.CutAtToken);
        var token = Assert.Single(byToken.Traces);
        Assert.True(token.Truncated);
        Assert.Equal(budget, token.ThinkingTokens);
        Assert.StartsWith("<think>\nTry: 3+4=7.\nCh", token.Response);   // the half-written line stays
        Assert.Contains(BudgetEvaluationOptions.DefaultAnswerPrompt, token.Response);
        Assert.Equal("token", byToken.Report.CutAt);

        var byLine = Run(BudgetEvaluationOptions.CutAtLine);
        var line = Assert.Single(byLine.Traces);
        Assert.True(line.Truncated);
        Assert.Equal(firstLine, line.ThinkingTokens);
        // The complete line is kept and closed without a blank line.
        Assert.StartsWith("<think>\nTry: 3+4=7.\n</think>\nFinal answer: \\boxed{", line.Response);
        Assert.Equal("line", byLine.Report.CutAt);

        // A budget inside the first line leaves only the opening newline: the answer is forced from an empty thinking.
        var early = new BudgetEvaluator(model, tok).Evaluate([Problems[0]],
            new BudgetEvaluationOptions { Budgets = [3], MaxAnswerTokens = 8, CutAt = BudgetEvaluationOptions.CutAtLine });
        Assert.StartsWith("<think>\n</think>\nFinal answer: \\boxed{", Assert.Single(early.Traces).Response);
    }

    [Fact]
    public void CutAtCheck_DropsTheAttemptWhoseCheckWasCutOff()
    {
        var model = Memorised();
        var tok = RlTestKit.Tokenizer;
        // The budget ends inside the Check line: line keeps the attempt, check drops it with its unfinished check.
        int budget = tok.Encode("\nTry: 3+4=7.\nChe").Count;
        var evaluation = new BudgetEvaluator(model, tok).Evaluate([Problems[0]],
            new BudgetEvaluationOptions { Budgets = [budget, 64], MaxAnswerTokens = 16, CutAt = BudgetEvaluationOptions.CutAtCheck });
        var cut = evaluation.Traces.Single(t => t.Budget == budget);
        Assert.True(cut.Truncated);
        Assert.Equal(1, cut.ThinkingTokens);
        Assert.StartsWith("<think>\n</think>\nFinal answer: \\boxed{", cut.Response);
        Assert.Equal("check", evaluation.Report.CutAt);
        // A thinking that ends within the budget is not cut at all.
        Assert.Equal(Trace("3+4", "7"), evaluation.Traces.Single(t => t.Budget == 64).Response);
    }

    [Fact]
    public void CutAt_OtherThanAKnownMode_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new BudgetEvaluationOptions { CutAt = "word" }.Validate());
        Assert.Contains("cut_at must be token, line or check, got 'word'", e.Message);
    }

    [Fact]
    public void Samples_AddSampledPass1NextToGreedy_AndTheSeedMakesItRepeatable()
    {
        var model = Memorised();
        var options = new BudgetEvaluationOptions { Budgets = [4, 48], Samples = 3, Temperature = 1.0, MaxAnswerTokens = 16, BatchSize = 4, Seed = 5 };
        var evaluator = new BudgetEvaluator(model, RlTestKit.Tokenizer);
        var a = evaluator.Evaluate(Problems, options);
        var b = evaluator.Evaluate(Problems, options);
        Assert.Equal(2 * (1 + 3) * 2, a.Traces.Count);   // budgets × (greedy + samples) × problems
        Assert.Equal(2 * 2, a.Traces.Count(t => t.Mode == EvaluationTrace.Greedy));
        Assert.All(a.Report.Budgets, r =>
        {
            Assert.Equal(6, r.Responses);
            Assert.Equal(6, r.Sampled!.Responses);
            Assert.Equal(2, r.Greedy!.Responses);
            Assert.Equal(r.Sampled.Accuracy, r.Accuracy);   // sampled pass@1 is the primary figure
            Assert.InRange(r.Greedy.Accuracy, r.Greedy.CiLow, r.Greedy.CiHigh);
            Assert.InRange(r.Sampled.Accuracy, r.Sampled.CiLow, r.Sampled.CiHigh);
        });
        Assert.Equal(1.0, a.Report.Budgets[1].Greedy!.Accuracy);  // the memorised traces, greedily
        Assert.Equal(a.Traces.Select(t => t.Response), b.Traces.Select(t => t.Response));
        Assert.Equal(3, a.Report.Samples);
        Assert.Equal(EvaluationTrace.Sampled, a.Report.Primary);
    }

    [Fact]
    public void SamplesWithoutTemperature_AreRefused_GreedyIsAlwaysThere()
    {
        var e = Assert.Throws<ArgumentException>(() => new BudgetEvaluationOptions { Samples = 4, Temperature = 0 }.Validate());
        Assert.Equal("temperature must be > 0 for sampled pass@1 (samples: 4), got 0; greedy is always evaluated, so use samples: 0 for greedy only", e.Message);
    }

    [Fact]
    public void Folder_HoldsReportTracesAndAPngChart()
    {
        var model = Memorised();
        var evaluation = new BudgetEvaluator(model, RlTestKit.Tokenizer)
            .Evaluate(Problems, new BudgetEvaluationOptions { Budgets = [2, 8, 64] }, checkpoint: "t1://artifacts/abc", dataset: "two sums");
        var dir = Path.Combine(_root, "report");
        EvaluationFolder.Write(dir, evaluation);

        var back = EvaluationReport.Load(dir);
        Assert.Equal(evaluation.Report.Budgets, back.Budgets);
        Assert.Equal("two sums", back.Dataset);
        var json = File.ReadAllText(Path.Combine(dir, EvaluationReport.FileName));
        Assert.Contains("\"mean_thinking_tokens\"", json);
        Assert.Contains("\"truncation_rate\"", json);
        Assert.Contains("\"ci_low\"", json);
        Assert.Equal(EvaluationTrace.Greedy, back.Primary);
        Assert.Equal(6, EvaluationFolder.ReadTraces(dir).Count());
        BudgetChartTests.AssertPng(Path.Combine(dir, EvaluationReport.ChartFileName));
    }

    [Fact]
    public void BudgetsBeyondTheModel_AreRefused_WithAMessage()
    {
        using var model = RlTestKit.Model(1);
        var e = Assert.Throws<ArgumentException>(() => new BudgetEvaluator(model, RlTestKit.Tokenizer)
            .Evaluate(Problems, new BudgetEvaluationOptions { Budgets = [16, 4096] }));
        Assert.Contains("use smaller budgets", e.Message);
        Assert.Throws<ArgumentException>(() => new BudgetEvaluationOptions { Budgets = [] }.Validate());
    }
}
