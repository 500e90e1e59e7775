using System.Text.Json;
using T1.Ml.Tasks;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>
/// Problems for the <c>rl</c> and <c>evaluate</c> steps, from either a task spec (a generator name with
/// difficulty and seed, or <c>jsonl</c> with a source file) or a dataset artifact (JSONL with a prompt field —
/// <c>prompt</c>, <c>problem</c> or <c>question</c> — and <c>answer</c>, such as the <c>synthesize</c> output).
/// Generated problems come from one of the task's three disjoint splits (<see cref="ProblemSets"/>): train for RL,
/// validation or test for evaluation. Dataset and file problems are graded against their answer with the answer verifier.
/// </summary>
internal static class StepProblems
{
    /// <summary>Stop looking for more distinct problems after this many draws in a row that found none.</summary>
    private const int DryDraws = 20_000;

    public sealed record Loaded(IReadOnlyList<Problem> Problems, string Description);

    public static async Task<Loaded> LoadAsync(StepContext context, string taskOrDataset, string inputName, ProblemSplit split,
        int count, int seed, int difficulty, string? source, CancellationToken cancellationToken)
    {
        if (ArtifactRef.TryParse(taskOrDataset, out var artifact))
        {
            var path = await context.Artifacts.GetLocalPathAsync(artifact, cancellationToken);
            return FromFile(path, count, $"dataset {artifact.Sha256[..12]}");
        }
        IProblemSource problems;
        try { problems = TaskRegistry.Create(taskOrDataset, new TaskOptions { Difficulty = difficulty, Source = source }); }
        catch (ArgumentException e)
        {
            throw new StepFailedException($"step '{context.StepId}': input '{inputName}': {e.Message}, or a dataset artifact such as ${{{{ steps.synth.outputs.dataset }}}}");
        }
        if (problems is JsonlProblemSource)
        {
            try { return FromFile(source!, count, Path.GetFileName(source!)); }
            catch (FileNotFoundException e) { throw new StepFailedException($"step '{context.StepId}': {e.Message}"); }
        }
        var found = Collect(problems, split, count, seed);
        var which = ProblemSets.NameOf(split);
        if (found.Count == 0) throw new StepFailedException($"step '{context.StepId}': task '{taskOrDataset}' at difficulty {difficulty} gave no {which} problems");
        if (found.Count < count)
            context.Log.Warn($"task '{taskOrDataset}' at difficulty {difficulty} has only {found.Count} distinct {which} problems; using those instead of {count} (raise the difficulty for more)");
        return new Loaded(found, $"{problems.Task} ({which} split, difficulty {difficulty}, seed {seed})");
    }

    /// <summary>Up to <paramref name="count"/> distinct problems of <paramref name="split"/>: fewer when the generator runs dry.</summary>
    public static IReadOnlyList<Problem> Collect(IProblemSource source, ProblemSplit split, int count, int seed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Problem>(Math.Min(count, 100_000));
        int dry = 0;
        foreach (var problem in source.Problems(seed))
        {
            if (result.Count >= count || dry >= DryDraws) break;
            if (ProblemSets.SplitOf(problem) == split && seen.Add(problem.Canonical))
            {
                result.Add(problem);
                dry = 0;
            }
            else dry++;
        }
        return result;
    }

    /// <summary>
    /// The first <paramref name="count"/> problems of a JSONL file (all when 0), imported by <see cref="JsonlProblemSource"/>
    /// (GSM8K's "#### N" answers included). Without <paramref name="promptField"/>, the first of prompt, problem and
    /// question that the file's first record has.
    /// </summary>
    public static Loaded FromFile(string path, int count, string description, string? promptField = null, string answerField = "answer", string? idField = null)
    {
        var first = File.ReadLines(path).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l))
                    ?? throw new StepFailedException($"'{description}' is empty: no problems");
        if (string.IsNullOrWhiteSpace(promptField))
        {
            try
            {
                using var doc = JsonDocument.Parse(first);
                promptField = new[] { "prompt", "problem", "question" }.FirstOrDefault(f => doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(f, out _))
                    ?? throw new StepFailedException($"'{description}': the first record has no 'prompt', 'problem' or 'question' field; name the problem's field with prompt_field");
            }
            catch (JsonException e) { throw new StepFailedException($"'{description}':1: not valid JSON ({e.Message})"); }
        }
        var source = new JsonlProblemSource(new TaskOptions { Source = path, PromptField = promptField, AnswerField = answerField, IdField = string.IsNullOrWhiteSpace(idField) ? null : idField });
        try
        {
            var all = source.Problems(0);
            var list = (count > 0 ? all.Take(count) : all).ToList();
            return new Loaded(list, description);
        }
        catch (FormatException e) { throw new StepFailedException($"'{description}': {e.Message}"); }
    }
}
