using System.Diagnostics;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Tokenization;

namespace T1.Ml.Evaluation;

/// <summary>The outcome of an evaluation: the report and every response with its verdict.</summary>
public sealed record BudgetEvaluation(EvaluationReport Report, IReadOnlyList<EvaluationTrace> Traces);

/// <summary>
/// Inference-budget evaluation. The response starts with <c>&lt;think&gt;</c>; for each budget B the model
/// thinks at most B tokens. If <c>&lt;/think&gt;</c> came within B tokens, the model's own answer is decoded after
/// it; otherwise the thinking is cut after B tokens (or, with <c>cut_at: line</c>, after the last complete line
/// within them), the answer prompt (<c>\n&lt;/think&gt;\nFinal answer: \boxed{</c>
/// by default) is appended and the answer decoded from there. The whole response is graded by <see cref="ResponseGrader"/>, the function RL
/// rewards use: only the one final answer after the one <c>&lt;/think&gt;</c> counts.
/// <para>
/// The thinking is generated once, at the largest budget, and every smaller budget reads its first B tokens:
/// the sampler draws the same tokens whatever its length limit, so this equals B separate runs with the
/// same seed (common random numbers: the curve compares budgets, not sampling noise) at a fraction of the cost.
/// </para>
/// </summary>
public sealed class BudgetEvaluator(DecoderLM model, ITextTokenizer tokenizer)
{
    /// <summary>
    /// Evaluates <paramref name="problems"/> at every budget, greedily and (with <see cref="BudgetEvaluationOptions.Samples"/>
    /// &gt; 0) sampled; <paramref name="progress"/> gets (responses done, total).
    /// </summary>
    public BudgetEvaluation Evaluate(IReadOnlyList<Problem> problems, BudgetEvaluationOptions options,
        string checkpoint = "", string dataset = "", Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (problems.Count == 0) throw new ArgumentException("there are no problems to evaluate", nameof(problems));
        var clock = Stopwatch.StartNew();
        var budgets = options.Budgets.Distinct().Order().ToArray();
        var starts = problems.Select(p => ChatFormat.EncodePrompt(tokenizer, p.Prompt).Append(tokenizer.Special.ThinkStart).ToArray()).ToArray();
        int longest = starts.Max(s => s.Length) + budgets[^1] + 1 + tokenizer.Encode(options.AnswerPrompt).Count + options.MaxAnswerTokens;
        if (longest > model.Config.MaxPositions)
            throw new ArgumentException($"the longest prompt plus the largest budget ({budgets[^1]}), the answer prompt and max_answer_tokens ({options.MaxAnswerTokens}) need {longest} positions, but the model has {model.Config.MaxPositions}; use smaller budgets");

        int total = problems.Count * (1 + options.Samples);
        var greedy = Pass(problems, starts, budgets, options, EvaluationTrace.Greedy, 1, 0, done => progress?.Invoke(done, total), cancellationToken);
        var sampled = options.Samples == 0 ? null
            : Pass(problems, starts, budgets, options, EvaluationTrace.Sampled, options.Samples, options.Temperature,
                done => progress?.Invoke(problems.Count + done, total), cancellationToken);

        var report = new EvaluationReport
        {
            Checkpoint = checkpoint, Dataset = dataset, Problems = problems.Count, Samples = options.Samples,
            Temperature = options.Samples == 0 ? 0 : options.Temperature, Primary = sampled is null ? EvaluationTrace.Greedy : EvaluationTrace.Sampled,
            AnswerPrompt = options.AnswerPrompt, CutAt = options.CutAt, MaxAnswerTokens = options.MaxAnswerTokens,
            Seed = options.Seed, ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            Budgets = budgets.Select((budget, b) => BudgetStatistics.Of(budget, greedy[b], sampled?[b])).ToList(),
        };
        var traces = Enumerable.Range(0, budgets.Length).SelectMany(b => sampled is null ? greedy[b] : [.. greedy[b], .. sampled[b]]).ToList();
        return new BudgetEvaluation(report, traces);
    }

    /// <summary>
    /// One pass over the problems: <paramref name="samples"/> responses each at <paramref name="temperature"/>
    /// (0 = greedy), graded at every budget. Returns the traces per budget.
    /// </summary>
    private List<EvaluationTrace>[] Pass(IReadOnlyList<Problem> problems, int[][] starts, int[] budgets, BudgetEvaluationOptions options,
        string mode, int samples, double temperature, Action<int> progress, CancellationToken cancellationToken)
    {
        var sp = tokenizer.Special;
        // The one cut-and-force rule, shared with serving's thinking_budget.
        var forcing = new BudgetForcing(tokenizer, options.AnswerPrompt, options.CutAt);
        var rows = problems.SelectMany((p, index) => Enumerable.Range(0, samples).Select(s => (Problem: p, Index: index, Sample: s))).ToList();
        var sampler = new Sampler(model, tokenizer, CpuWorkers.For(model.Device)); // on CPU, each batch's parts on separate cores
        var traces = new List<EvaluationTrace>[budgets.Length];
        for (int b = 0; b < budgets.Length; b++) traces[b] = new(rows.Count);
        for (int start = 0, chunk = 0; start < rows.Count; start += options.BatchSize, chunk++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = rows.GetRange(start, Math.Min(options.BatchSize, rows.Count - start));
            var prefixes = batch.Select(r => (IReadOnlyList<int>)starts[r.Index]).ToList();
            SamplingOptions Sampling(int maxNew, long salt, IReadOnlyList<int> stops) => new()
            {
                Temperature = temperature, TopP = options.TopP, MaxNewTokens = maxNew, StopTokenIds = stops,
                Seed = options.Seed * 1_000_003L + chunk * 131L + salt,
            };
            // Thinking, once, at the largest budget (+1 so a </think> right at the budget is seen).
            var thinking = sampler.Generate(prefixes, Sampling(budgets[^1] + 1, 0, [sp.ThinkEnd]));
            var think = thinking.Select(t => Thought.Of(t.Tokens, sp)).ToArray();

            // The model's own answers, after its own </think>.
            var closed = Enumerable.Range(0, batch.Count).Where(i => think[i].Closed).ToArray();
            var natural = Answers(sampler, closed.Select(i => Concat(prefixes[i], think[i].Tokens, [sp.ThinkEnd])).ToList(), Sampling(options.MaxAnswerTokens, 1, []));
            var naturalOf = closed.Select((i, k) => (i, k)).ToDictionary(x => x.i, x => natural[x.k]);

            for (int b = 0; b < budgets.Length; b++)
            {
                int budget = budgets[b];
                var cut = Enumerable.Range(0, batch.Count).Where(i => think[i].Tokens.Count > budget || (!think[i].Closed && !think[i].Ended)).ToArray();
                var kept = cut.ToDictionary(i => i, i => think[i].Tokens.Take(forcing.Keep(think[i].Tokens, budget)).ToArray());
                var promptOf = cut.ToDictionary(i => i, i => forcing.AnswerPromptAfter(kept[i]));
                var forced = Answers(sampler, cut.Select(i => Concat(prefixes[i], kept[i], promptOf[i])).ToList(),
                    Sampling(options.MaxAnswerTokens, 2 + b, []));
                var forcedOf = cut.Select((i, k) => (i, k)).ToDictionary(x => x.i, x => forced[x.k]);
                for (int i = 0; i < batch.Count; i++)
                {
                    var (problem, _, sample) = batch[i];
                    bool truncated = forcedOf.ContainsKey(i);
                    var thought = truncated ? kept[i] : think[i].Tokens;
                    int[] tail = truncated ? [.. promptOf[i], .. forcedOf[i]]
                        : think[i].Closed ? [sp.ThinkEnd, .. naturalOf[i]]
                        : [sp.EndOfText];
                    traces[b].Add(Grade(problem, sample, budget, thought, tail, truncated) with { Mode = mode });
                }
            }
            progress(start + batch.Count);
        }
        return traces;
    }

    private static List<IReadOnlyList<int>> Answers(Sampler sampler, List<IReadOnlyList<int>> inputs, SamplingOptions options) =>
        inputs.Count == 0 ? [] : sampler.Generate(inputs, options).Select(s => s.Tokens).ToList();

    internal EvaluationTrace Grade(Problem problem, int sample, int budget, IReadOnlyList<int> thought, IReadOnlyList<int> tail, bool truncated)
    {
        // The one grading function RL rewards use: only what follows the one </think> is graded.
        var response = ResponseGrader.Text(tokenizer, [tokenizer.Special.ThinkStart, .. thought, .. tail]);
        var verdict = ResponseGrader.Grade(problem, response);
        return new EvaluationTrace
        {
            Budget = budget, ProblemId = problem.Id, Sample = sample, Prompt = problem.Prompt, Reference = problem.Answer,
            ThinkingTokens = thought.Count, Truncated = truncated, Response = response,
            Extracted = verdict.Extracted, Correct = verdict.IsCorrect, Reason = verdict.Reason,
        };
    }

    private static IReadOnlyList<int> Concat(IReadOnlyList<int> a, IReadOnlyList<int> b, IReadOnlyList<int> c) => [.. a, .. b, .. c];

    /// <summary>The thinking part of a generation: tokens before <c>&lt;/think&gt;</c> (Closed) or end of text (Ended), or all of them.</summary>
    private sealed record Thought(IReadOnlyList<int> Tokens, bool Closed, bool Ended)
    {
        public static Thought Of(IReadOnlyList<int> generated, SpecialTokenIds sp)
        {
            if (generated.Count > 0 && generated[^1] == sp.ThinkEnd) return new(generated.Take(generated.Count - 1).ToArray(), true, false);
            if (generated.Count > 0 && generated[^1] == sp.EndOfText) return new(generated.Take(generated.Count - 1).ToArray(), false, true);
            return new(generated, false, false);
        }
    }
}
