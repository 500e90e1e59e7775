using System.Globalization;
using System.Text.Json;

namespace T1.Ml.Tasks;

/// <summary>Counts from one grading run; <see cref="ToString"/> is the summary line the CLI prints.</summary>
public sealed record GradeSummary(int Graded, int Correct)
{
    public double Accuracy => Graded == 0 ? 0 : (double)Correct / Graded;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"graded {Graded}, correct {Correct} ({Accuracy * 100:0.0}%)");
}

/// <summary>
/// The logic of <c>t1 grade FILE.jsonl [--response-field F] [--answer-field F]</c>: for each JSON line, grade the
/// response field against the answer field with <see cref="ResponseGrader"/> (the function RL rewards and
/// evaluation use, as for an imported <c>jsonl</c> task), write one JSON verdict per line,
/// then the summary line. Blank lines are skipped; a bad line stops grading with its line number.
/// </summary>
public static class JsonlGrader
{
    public const string DefaultResponseField = "response";
    public const string DefaultAnswerField = "answer";

    /// <exception cref="FormatException">A line is not a JSON object or lacks a field: "line 7: missing field 'response' (…)".</exception>
    public static GradeSummary Grade(TextReader input, TextWriter output,
        string responseField = DefaultResponseField, string answerField = DefaultAnswerField, string source = "line")
    {
        var graded = 0;
        var correct = 0;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var where = source == "line" ? $"line {lineNumber}" : $"{source}:{lineNumber}";
            using var doc = JsonlFields.Parse(line, where);
            var response = JsonlFields.Required(doc.RootElement, responseField, where);
            var answer = JsonlProblemSource.ReferenceAnswer(JsonlFields.Required(doc.RootElement, answerField, where));
            var verdict = ResponseGrader.Grade(Imported(answer), response);
            graded++;
            if (verdict.IsCorrect) correct++;
            output.WriteLine(JsonSerializer.Serialize(new VerdictLine(lineNumber, verdict.IsCorrect, verdict.Extracted, answer, verdict.Reason), VerdictLineContext.Default.VerdictLine));
        }
        var summary = new GradeSummary(graded, correct);
        output.WriteLine(summary.ToString());
        return summary;
    }

    /// <summary>A line's reference answer as an imported problem: graded like evaluation grades a jsonl task.</summary>
    private static Problem Imported(string answer) => new("line", TaskRegistry.Jsonl, "", answer, 0, new Dictionary<string, string>());
}

internal sealed record VerdictLine(
    [property: System.Text.Json.Serialization.JsonPropertyName("line")] int Line,
    [property: System.Text.Json.Serialization.JsonPropertyName("correct")] bool Correct,
    [property: System.Text.Json.Serialization.JsonPropertyName("extracted")] string? Extracted,
    [property: System.Text.Json.Serialization.JsonPropertyName("answer")] string Answer,
    [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string Reason);

[System.Text.Json.Serialization.JsonSerializable(typeof(VerdictLine))]
internal sealed partial class VerdictLineContext : System.Text.Json.Serialization.JsonSerializerContext;
