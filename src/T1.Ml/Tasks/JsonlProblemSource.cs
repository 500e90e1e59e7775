using System.Globalization;
using System.Text.Json;

namespace T1.Ml.Tasks;

/// <summary>
/// Imports problems from a JSONL file with a field mapping: MATH500 (problem/answer), GSM8K (question/answer,
/// the answer after "####"), AIME. Problems come in file order; the seed does not matter.
/// </summary>
public sealed class JsonlProblemSource : IProblemSource
{
    private readonly TaskOptions _options;

    public JsonlProblemSource(TaskOptions options)
    {
        options.Validate(TaskRegistry.Jsonl);
        _options = options;
    }

    public string Task => TaskRegistry.Jsonl;

    public IEnumerable<Problem> Problems(int seed)
    {
        var path = _options.Source!;
        if (!File.Exists(path)) throw new FileNotFoundException($"task 'jsonl': source file '{path}' does not exist", path);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return Read(path, lineNumber, line);
        }
    }

    private Problem Read(string path, int lineNumber, string line)
    {
        using var doc = JsonlFields.Parse(line, $"{path}:{lineNumber}");
        var root = doc.RootElement;
        var where = $"{path}:{lineNumber}";
        var prompt = JsonlFields.Required(root, _options.PromptField, where);
        var answer = ReferenceAnswer(JsonlFields.Required(root, _options.AnswerField, where));
        var canonical = Problem.CanonicalText(prompt);
        var id = _options.IdField is { } idField ? JsonlFields.Required(root, idField, where) : ProblemSets.IdFor(Task, canonical);
        var difficulty = _options.DifficultyField is { } df ? Level(JsonlFields.Required(root, df, where)) : 0;
        var metadata = new Dictionary<string, string> { ["source"] = path, ["line"] = lineNumber.ToString(CultureInfo.InvariantCulture) };
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == _options.PromptField || property.Name == _options.AnswerField) continue;
            if (JsonlFields.Text(property.Value) is { } text) metadata[property.Name] = text;
        }
        return new Problem(id, Task, prompt, answer, difficulty, metadata) { Canonical = canonical };
    }

    /// <summary>GSM8K writes the worked solution and then "#### 18": the answer is what follows the marker.</summary>
    public static string ReferenceAnswer(string raw)
    {
        var marker = raw.LastIndexOf("####", StringComparison.Ordinal);
        return (marker >= 0 ? raw[(marker + 4)..] : raw).Trim();
    }

    private static int Level(string text)
    {
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var level) ? level : 0;
    }
}
