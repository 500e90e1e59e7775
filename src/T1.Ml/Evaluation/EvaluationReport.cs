using System.Text.Json;
using System.Text.Json.Serialization;

namespace T1.Ml.Evaluation;

/// <summary>
/// What an <c>evaluate</c> step found: accuracy per thinking-token budget, plus per-problem traces.
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

    /// <summary>Where the problems came from, e.g. <c>arithmetic (held-out, difficulty 1)</c> or a file name.</summary>
    public string Dataset { get; init; } = "";

    /// <summary>Problems evaluated.</summary>
    public int Problems { get; init; }

    /// <summary>Samples per problem (pass@1 is averaged over them).</summary>
    public int Samples { get; init; }

    /// <summary>Sampling temperature (0 = greedy).</summary>
    public double Temperature { get; init; }

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

/// <summary>The figures of one thinking-token budget.</summary>
public sealed record BudgetResult
{
    /// <summary>Most thinking tokens allowed before the thinking is cut and the answer forced.</summary>
    public int Budget { get; init; }

    /// <summary>pass@1 averaged over samples, 0..1.</summary>
    public double Accuracy { get; init; }

    /// <summary>Mean thinking tokens actually used.</summary>
    public double MeanThinkingTokens { get; init; }

    /// <summary>Share of responses whose thinking was cut at the budget, 0..1.</summary>
    public double TruncationRate { get; init; }

    /// <summary>Share of responses with a parsable final answer, 0..1.</summary>
    public double ParsableRate { get; init; }

    /// <summary>Responses graded at this budget (problems × samples).</summary>
    public int Responses { get; init; }
}
