namespace T1.Ml.Tasks;

/// <summary>Options a workflow step passes with <c>task:</c>; every field has a working default.</summary>
public sealed record TaskOptions
{
    public const int MinDifficulty = 1;
    public const int MaxDifficulty = 5;

    /// <summary>Generator difficulty, 1 (tiny numbers) to 5; ignored by jsonl.</summary>
    public int Difficulty { get; init; } = 1;

    /// <summary>jsonl only: path of the JSONL file to import.</summary>
    public string? Source { get; init; }

    /// <summary>jsonl only: field holding the problem text ("problem" for MATH500, "question" for GSM8K).</summary>
    public string PromptField { get; init; } = "problem";

    /// <summary>jsonl only: field holding the answer; text after a GSM8K "####" marker is taken when present.</summary>
    public string AnswerField { get; init; } = "answer";

    /// <summary>jsonl only: optional field with a stable id ("unique_id"); a hash of the problem otherwise.</summary>
    public string? IdField { get; init; }

    /// <summary>jsonl only: optional field with a difficulty level (a number, or text such as "Level 3").</summary>
    public string? DifficultyField { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a message naming the bad option.</summary>
    public void Validate(string task)
    {
        if (Difficulty is < MinDifficulty or > MaxDifficulty)
            throw new ArgumentException($"task '{task}': difficulty must be between {MinDifficulty} and {MaxDifficulty}, got {Difficulty}");
        if (task == "jsonl" && string.IsNullOrWhiteSpace(Source))
            throw new ArgumentException("task 'jsonl': 'source' is required (path of a JSONL file)");
        if (string.IsNullOrWhiteSpace(PromptField) || string.IsNullOrWhiteSpace(AnswerField))
            throw new ArgumentException($"task '{task}': prompt and answer field names must not be empty");
    }
}
