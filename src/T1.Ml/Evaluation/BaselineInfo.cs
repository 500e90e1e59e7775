namespace T1.Ml.Evaluation;

/// <summary>Which report an evaluation was compared with (evaluate's <c>baseline</c> input).</summary>
public sealed record BaselineInfo
{
    /// <summary>The baseline report's label (e.g. <c>sft</c>).</summary>
    public string? Label { get; init; }

    /// <summary>The baseline's evaluated checkpoint.</summary>
    public string Checkpoint { get; init; } = "";

    /// <summary>The baseline report artifact.</summary>
    public string Report { get; init; } = "";

    /// <summary>Problems compared (those of both reports; they must be the same).</summary>
    public int Problems { get; init; }

    /// <summary>Bootstrap resamples behind each interval of the differences.</summary>
    public int Resamples { get; init; }
}
