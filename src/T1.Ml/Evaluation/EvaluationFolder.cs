using System.Text.Encodings.Web;
using System.Text.Json;

namespace T1.Ml.Evaluation;

/// <summary>
/// The <c>report</c> folder of an evaluation: <see cref="EvaluationReport.FileName"/>,
/// <see cref="EvaluationReport.TracesFileName"/> (one <see cref="EvaluationTrace"/> a line) and
/// <see cref="EvaluationReport.ChartFileName"/>.
/// </summary>
public static class EvaluationFolder
{
    private static readonly JsonSerializerOptions TraceJson = new(EvaluationReport.Json)
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keeps <think> and + readable; still valid JSON
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    /// <summary>Writes report, traces and chart into <paramref name="directory"/> (created if missing).</summary>
    public static void Write(string directory, BudgetEvaluation evaluation)
    {
        Directory.CreateDirectory(directory);
        evaluation.Report.Save(directory);
        using (var writer = new StreamWriter(Path.Combine(directory, EvaluationReport.TracesFileName)))
        {
            foreach (var trace in evaluation.Traces) writer.WriteLine(JsonSerializer.Serialize(trace, TraceJson));
        }
        BudgetChart.Write(Path.Combine(directory, EvaluationReport.ChartFileName), evaluation.Report);
    }

    /// <summary>Reads the traces of a report folder.</summary>
    public static IEnumerable<EvaluationTrace> ReadTraces(string directory)
    {
        foreach (var line in File.ReadLines(Path.Combine(directory, EvaluationReport.TracesFileName)))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return JsonSerializer.Deserialize<EvaluationTrace>(line, TraceJson)
                         ?? throw new InvalidDataException($"'{directory}': a traces line is null");
        }
    }
}
