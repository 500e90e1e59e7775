using System.Data;
using System.Globalization;
using System.Text.RegularExpressions;
using T1.Ml.Synthesis;
using T1.Ml.Tasks;

namespace T1.Ml.Tests.Synthesis;

public partial class TraceSynthesizerTests
{
    public static TheoryData<string, int> Tasks => new()
    {
        { "arithmetic", 1 }, { "arithmetic", 3 }, { "arithmetic", 5 },
        { "countdown", 1 }, { "countdown", 3 }, { "countdown", 5 },
        { "linear", 1 }, { "linear", 3 }, { "linear", 5 },
    };

    [Theory]
    [MemberData(nameof(Tasks))]
    public void EveryCheckLine_IsArithmeticallyTrue(string task, int difficulty)
    {
        foreach (var (problem, trace) in Sample(task, difficulty))
        {
            var checks = Lines(trace).Where(l => l.StartsWith("Check: ", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(checks);
            foreach (var line in checks)
            {
                // "Check: e1, e2, …, correct." or "…, not N." or (arithmetic order) "Check: * before +: e, not a+b."
                Assert.True(line.EndsWith('.'), line);
                var items = line["Check: ".Length..^1].Split(", ");
                decimal? last = null;
                string? lastLeft = null;
                foreach (var item in items)
                {
                    if (item == "correct") Assert.Equal(Expected(problem), last);
                    else if (item.StartsWith("not ", StringComparison.Ordinal))
                    {
                        if (Regex.IsMatch(item, @"^not -?\d+$")) Assert.NotEqual(Compute(item[4..]), last); // a claimed value the check refutes
                        else Assert.NotEqual(lastLeft, item[4..]);                                          // an operation done out of order
                    }
                    else
                    {
                        var parts = Regex.Replace(item, @"^\* before [+-]: ", "").Split('=');
                        var values = parts.Select(Compute).ToList();
                        Assert.True(values.Count >= 2 && values.Distinct().Count() == 1, $"false equality '{item}' in: {line}");
                        (last, lastLeft) = (values[0], parts[0]);
                    }
                }
                Assert.True(items[^1] == "correct" || items[^1].StartsWith("not ", StringComparison.Ordinal), line);
            }
            Assert.EndsWith(", correct.", checks[^1]);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void ArithmeticChecks_RecomputeTheAttempt_AndReflectionsCiteTheStepThatDiffers(int difficulty)
    {
        int wrongAttempts = 0, wrongBeforeTheLastStep = 0, checksShowingTheAnswer = 0;
        foreach (var (problem, trace) in Sample("arithmetic", difficulty, firstTryShare: 0))
        {
            var lines = Lines(trace);
            var answer = problem.Answer;
            for (int i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("Try: ", StringComparison.Ordinal) || lines[i + 2].StartsWith("</think>", StringComparison.Ordinal)) continue;
                wrongAttempts++;
                var steps = StepsOf(lines[i]).ToList();
                var (k, expectedStep) = FirstWrongStep(problem.Metadata["expression"], steps);
                var written = steps[k - 1][..steps[k - 1].LastIndexOf('=')];
                Assert.StartsWith($"That gives {AttemptResult(lines[i], "arithmetic")}, but step {k} is wrong: ", lines[i + 2]);
                // The check redoes the attempt's steps 1..k and stops at the one that differs, naming it.
                if (expectedStep == written) Assert.EndsWith($"{expectedStep}={Compute(written)}, not {steps[k - 1][(written.Length + 1)..]}.", lines[i + 1]);
                else Assert.EndsWith($"{expectedStep}={Compute(expectedStep)}, not {written}.", lines[i + 1]);
                Assert.Equal(k - 1, lines[i + 1].Split(", ").Length - 2); // the steps before k, then the one that differs, then "not …"
                if (k == steps.Count) continue;
                wrongBeforeTheLastStep++;
                if (Regex.IsMatch(lines[i + 1], $@"(?<![\d-]){Regex.Escape(answer)}(?!\d)")) checksShowingTheAnswer++;
            }
        }
        Assert.True(wrongAttempts > 100, $"only {wrongAttempts} wrong attempts");
        if (difficulty == 5) Assert.True(wrongBeforeTheLastStep > 50, $"only {wrongBeforeTheLastStep} attempts go wrong before their last step");
        // An oracle check shows the true value after every attempt; a recomputing one stops at the wrong step, so when that
        // step is not the last the answer appears only by coincidence (an intermediate value equal to it).
        Assert.True(checksShowingTheAnswer <= wrongBeforeTheLastStep / 10, $"{checksShowingTheAnswer} of {wrongBeforeTheLastStep} checks of attempts wrong before their last step show the answer");
    }

    /// <summary>Independent walk: the 1-based first step of an attempt that is not precedence's next operation or does not compute, and what that step should be.</summary>
    private static (int Step, string Expected) FirstWrongStep(string expression, List<string> steps)
    {
        var values = Regex.Matches(expression, @"\d+").Select(m => long.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        var ops = Regex.Matches(expression, @"[+\-*]").Select(m => m.Value[0]).ToList();
        for (int k = 0; k < steps.Count; k++)
        {
            int i = ops.Contains('*') ? ops.IndexOf('*') : 0;
            var right = values[i + 1].ToString(CultureInfo.InvariantCulture);
            var expected = $"{values[i].ToString(CultureInfo.InvariantCulture)}{ops[i]}{(values[i + 1] < 0 ? $"({right})" : right)}";
            var written = steps[k][..steps[k].LastIndexOf('=')];
            if (written != expected || !IsTrue(steps[k])) return (k + 1, expected);
            values[i] = (long)Compute(written);
            values.RemoveAt(i + 1);
            ops.RemoveAt(i);
        }
        throw new InvalidOperationException($"no wrong step in {string.Join(", ", steps)}");
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void FinalAnswer_Verifies_AndWrongAttemptsAreReallyWrong(string task, int difficulty)
    {
        foreach (var (problem, trace) in Sample(task, difficulty))
        {
            var verdict = ResponseGrader.Grade(problem, trace.Response);
            Assert.True(verdict.IsCorrect, trace.Response);
            var boxed = verdict.Extracted!;
            Assert.Equal(trace.Answer, boxed);
            if (task == "countdown")
            {
                Assert.Equal(Expected(problem), Compute(boxed));
                Assert.Equal(CountdownChecker.Numbers(problem).Order(), Regex.Matches(boxed, @"\d+").Select(n => long.Parse(n.Value, CultureInfo.InvariantCulture)).Order());
            }
            else Assert.Equal(Compute(problem.Answer), Compute(boxed));

            var tries = Lines(trace).Where(l => l.StartsWith("Try: ", StringComparison.Ordinal)).ToList();
            foreach (var wrong in tries.SkipLast(1))
            {
                var result = AttemptResult(wrong, task);
                Assert.NotEqual(Compute(task == "countdown" ? problem.Metadata["target"] : problem.Answer), result);
                if (task == "countdown")
                    foreach (var step in StepsOf(wrong)) Assert.True(IsTrue(step), $"countdown tries are real computations: {step}");
            }
            Assert.Equal(tries.Count - 1, Lines(trace).Count(l => l.StartsWith("That gives ", StringComparison.Ordinal) || (task == "countdown" && l.StartsWith("Try: ", StringComparison.Ordinal) && l.Contains(", not "))));
        }
    }

    [Fact]
    public void WrongArithmeticAttempts_ContainARealSlip_OrWrongOrder()
    {
        var traces = Sample("arithmetic", 4, firstTryShare: 0).ToList();
        var wrongTries = traces.SelectMany(t => Lines(t.Trace).Where(l => l.StartsWith("Try: ", StringComparison.Ordinal)).SkipLast(1)).ToList();
        Assert.True(wrongTries.Count > 100, $"only {wrongTries.Count} wrong attempts");
        // Slips (carry, off-by-one, sign) show a false step; an order mistake shows only true steps but the wrong value.
        Assert.Contains(wrongTries, t => StepsOf(t).Any(s => !IsTrue(s)));
        Assert.Contains(traces, t => t.Trace.Response.Contains("before *", StringComparison.Ordinal));
        Assert.Contains(traces, t => t.Trace.Response.Contains("a carry in", StringComparison.Ordinal));
    }

    [Fact]
    public void Synthesis_IsDeterministic_PerSeed()
    {
        var problems = ProblemSets.Take(new CountdownTask(3), ProblemSplit.Train, 50, seed: 3);
        string Run(int seed) => string.Join("\n", new TraceSynthesizer(new SynthesisOptions { Seed = seed }).Synthesize(problems).Select(t => t.Response));
        Assert.Equal(Run(1), Run(1));
        Assert.NotEqual(Run(1), Run(2));
        // Order of problems does not change a problem's trace.
        var reversed = new TraceSynthesizer(new SynthesisOptions { Seed = 1 }).Synthesize(problems.Reverse()).Reverse().Select(t => t.Response);
        Assert.Equal(Run(1), string.Join("\n", reversed));
    }

    [Fact]
    public void FirstTryCorrectShare_ControlsHowManyTracesShowMistakes()
    {
        static int WithMistakes(double share, int attempts) => new TraceSynthesizer(new SynthesisOptions { FirstTryCorrectShare = share, AttemptsMax = attempts, Seed = 5 })
            .SynthesizeTask("linear", 200).Count(t => t.Response.Contains("That gives", StringComparison.Ordinal));
        Assert.Equal(0, WithMistakes(1, 3));
        Assert.Equal(0, WithMistakes(0, 1));
        Assert.InRange(WithMistakes(0, 3), 180, 200);
        Assert.InRange(WithMistakes(0.5, 3), 70, 130);
    }

    [Fact]
    public void Traces_StayShort_ForASmallModel()
    {
        foreach (var task in new[] { "arithmetic", "countdown", "linear" })
        {
            var traces = new TraceSynthesizer(new SynthesisOptions { Difficulty = 3, AttemptsMax = 3 }).SynthesizeTask(task, 200).ToList();
            Assert.True(traces.Max(t => t.Response.Length) < 600, $"{task}: longest {traces.Max(t => t.Response.Length)} chars");
        }
    }

    [Fact]
    public void Synthesize_RejectsImportedProblems_NamingTheSupportedTasks()
    {
        var problem = new Problem("p1", "jsonl", "What is 1+1?", "2", 0, new Dictionary<string, string>());
        var e = Assert.Throws<NotSupportedException>(() => new TraceSynthesizer(new SynthesisOptions()).Synthesize(problem));
        Assert.Contains("arithmetic, countdown, linear", e.Message);
    }

    [Fact]
    public void Options_AreValidated_WithTheAllowedRange()
    {
        var e = Assert.Throws<ArgumentException>(() => new TraceSynthesizer(new SynthesisOptions { AttemptsMax = 0 }));
        Assert.Equal("attempts_max must be between 1 and 8, got 0", e.Message);
    }

    [Fact]
    public void Trace_HasTheT1Shape()
    {
        var trace = new TraceSynthesizer(new SynthesisOptions { FirstTryCorrectShare = 0 }).SynthesizeTask("arithmetic", 1).Single();
        Assert.StartsWith("<think>\nTry: ", trace.Response);
        Assert.EndsWith($"</think>\nFinal answer: \\boxed{{{trace.Answer}}}", trace.Response);
    }

    private static IEnumerable<(Problem Problem, SynthesizedTrace Trace)> Sample(string task, int difficulty, double firstTryShare = 0.3)
    {
        var problems = ProblemSets.Take(TaskRegistry.Create(task, new TaskOptions { Difficulty = difficulty }), ProblemSplit.Train, 150, seed: difficulty);
        var synthesizer = new TraceSynthesizer(new SynthesisOptions { AttemptsMax = 4, FirstTryCorrectShare = firstTryShare, Seed = 9 });
        return problems.Select(p => (p, synthesizer.Synthesize(p)));
    }

    private static string[] Lines(SynthesizedTrace t) => t.Response.Split('\n');

    private static decimal Expected(Problem p) => p.Task switch
    {
        "countdown" => decimal.Parse(p.Metadata["target"], CultureInfo.InvariantCulture),
        "linear" => decimal.Parse(p.Metadata["c"], CultureInfo.InvariantCulture),
        _ => decimal.Parse(p.Answer, CultureInfo.InvariantCulture),
    };

    /// <summary>Independent oracle: System.Data's expression evaluator.</summary>
    private static decimal Compute(string expression) =>
        Convert.ToDecimal(new DataTable().Compute(expression, null), CultureInfo.InvariantCulture);

    private static IEnumerable<string> StepsOf(string tryLine) =>
        tryLine["Try: ".Length..].TrimEnd('.').Split(", ").Where(s => s.Contains('=') && !s.StartsWith("not ", StringComparison.Ordinal));

    private static bool IsTrue(string step)
    {
        var parts = step.Split('=');
        return parts.Skip(1).All(p => Compute(p) == Compute(parts[0]));
    }

    private static decimal AttemptResult(string tryLine, string task)
    {
        var steps = StepsOf(tryLine).ToList();
        return Compute(steps[^1].Split('=')[^1]);
    }

}
