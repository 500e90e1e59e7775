using System.Text.Json;
using System.Text.Json.Serialization;

namespace T1.Ml.Evaluation;

/// <summary>
/// What an <c>evaluate</c> step found: per thinking-token budget greedy accuracy and sampled pass@1 with their 95 %
/// intervals, the cut share, and (given a baseline) the paired comparison; plus per-problem traces.
/// Stored as <see cref="FileName"/> inside the step's <c>report</c> folder artifact (beside the PNG chart),
/// and read back by <c>promote</c>, the CLI and the portal.
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>The report's file name inside the report folder.</summary>
    public const string FileName = "report.json";

    /// <summary>The chart of accuracy against budget inside the report folder.</summary>
    public const string ChartFileName = "budget_curve.png";

    /// <summary>Per-problem traces (one JSON object a line) inside the report folder.</summary>
    public const string TracesFileName = "traces.jsonl";

    /// <summary>The evaluated checkpoint (artifact URI or path).</summary>
    public string Checkpoint { get; init; } = "";

    /// <summary>Where the problems came from, e.g. <c>arithmetic (validation split, difficulty 1, seed 0)</c> or a file name.</summary>
    public string Dataset { get; init; } = "";

    /// <summary>Problems evaluated.</summary>
    public int Problems { get; init; }

    /// <summary>Sampled responses per problem for sampled pass@1 (0 = greedy only; one greedy response per problem is always evaluated).</summary>
    public int Samples { get; init; }

    /// <summary>Temperature of the sampled responses (0 when there are none).</summary>
    public double Temperature { get; init; }

    /// <summary>
    /// What <see cref="BudgetResult.Accuracy"/> (and so promotion and charts) means: <c>sampled</c> pass@1 when
    /// samples were drawn, else <c>greedy</c> accuracy. Null in reports written before both were evaluated.
    /// </summary>
    public string? Primary { get; init; }

    /// <summary>The report this one was compared with problem by problem (evaluate's <c>baseline</c>), when one was given.</summary>
    public BaselineInfo? Baseline { get; init; }

    /// <summary>Text appended when the thinking was cut at a budget.</summary>
    public string? AnswerPrompt { get; init; }

    /// <summary>Where a long thinking was cut: <c>token</c> (at the budget) or <c>line</c> (last complete line within it).</summary>
    public string? CutAt { get; init; }

    /// <summary>Most answer tokens decoded after the thinking.</summary>
    public int? MaxAnswerTokens { get; init; }

    /// <summary>Sampler seed.</summary>
    public long? Seed { get; init; }

    /// <summary>A short name for the evaluated model in charts and tables (e.g. the producing step: <c>sft</c>, <c>rl</c>).</summary>
    public string? Label { get; init; }

    /// <summary>Wall-clock seconds the evaluation took.</summary>
    public double? ElapsedSeconds { get; init; }

    /// <summary>One entry per budget, ascending.</summary>
    public IReadOnlyList<BudgetResult> Budgets { get; init; } = [];

    /// <summary>The accuracy at <paramref name="budget"/>, or null when that budget was not evaluated.</summary>
    public double? AccuracyAt(int budget) => Budgets.FirstOrDefault(b => b.Budget == budget)?.Accuracy;

    /// <summary>Reads a report from its folder (or the JSON file itself).</summary>
    public static EvaluationReport Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"no evaluation report at '{file}'", file);
        return JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(file), Json)
               ?? throw new InvalidDataException($"'{file}' is not an evaluation report");
    }

    /// <summary>Writes the report as <see cref="FileName"/> into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>snake_case, indented: the format users read and scripts parse.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
