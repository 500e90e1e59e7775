namespace T1.Ml.Synthesis;

/// <summary>Options of the <c>synthesize</c> step; defaults in one place, validated once.</summary>
public sealed record SynthesisOptions
{
    public const int MaxAttempts = 8;

    /// <summary>Most attempts in one trace, the verified one included (1 = always right first time).</summary>
    public int AttemptsMax { get; init; } = 3;

    /// <summary>Share of traces whose first attempt is already right (0..1); the rest show 1..AttemptsMax−1 wrong attempts.</summary>
    public double FirstTryCorrectShare { get; init; } = 0.3;

    /// <summary>Seed: the same seed and problems give byte-identical traces.</summary>
    public int Seed { get; init; }

    /// <summary>Difficulty of generated problems (1..5) when the synthesiser draws them itself.</summary>
    public int Difficulty { get; init; } = 1;

    /// <exception cref="ArgumentException">The message names the option and its allowed range.</exception>
    public void Validate()
    {
        if (AttemptsMax is < 1 or > MaxAttempts)
            throw new ArgumentException($"attempts_max must be between 1 and {MaxAttempts}, got {AttemptsMax}");
        if (FirstTryCorrectShare is < 0 or > 1 || double.IsNaN(FirstTryCorrectShare))
            throw new ArgumentException($"first_try_correct_share must be between 0 and 1, got {FirstTryCorrectShare}");
        if (Difficulty is < Tasks.TaskOptions.MinDifficulty or > Tasks.TaskOptions.MaxDifficulty)
            throw new ArgumentException($"difficulty must be between {Tasks.TaskOptions.MinDifficulty} and {Tasks.TaskOptions.MaxDifficulty}, got {Difficulty}");
    }
}
