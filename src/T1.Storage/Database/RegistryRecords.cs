namespace T1.Storage.Database;

/// <summary>A registered model name; its <see cref="ChampionVersion"/> is the <c>champion</c> alias.</summary>
public sealed class ModelRecord
{
    public required string Name { get; set; }
    /// <summary>The version the <c>champion</c> alias points at; null until the first promotion.</summary>
    public int? ChampionVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One version of a model: a checkpoint artifact with the evaluation it was judged on.</summary>
public sealed class ModelVersionRecord
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    /// <summary>1, 2, … per model name.</summary>
    public int Version { get; set; }
    /// <summary>sha256 of the checkpoint folder artifact.</summary>
    public required string CheckpointSha256 { get; set; }
    /// <summary>sha256 of the evaluation report folder artifact, when there is one.</summary>
    public string? ReportSha256 { get; set; }
    /// <summary>Accuracy per thinking-token budget from the report, as a JSON object {"64": 0.41, …}.</summary>
    public string AccuracyJson { get; set; } = "{}";
    /// <summary>The run and step that produced this version (null for manual registrations).</summary>
    public string? RunId { get; set; }
    public string? StepId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Free text a person wrote about this version.</summary>
    public string? Description { get; set; }
    /// <summary>Tags as a JSON object of strings, {"dataset": "v2", …}.</summary>
    public string TagsJson { get; set; } = "{}";
    /// <summary>When the version was archived (hidden from lists, no alias may point at it); null while active.</summary>
    public DateTime? ArchivedAt { get; set; }
}

/// <summary>
/// One promotion decision, promoted or not, with the numbers it compared. <see cref="Origin"/> is
/// unique (<c>run:&lt;run&gt;/&lt;step&gt;</c> or <c>manual:&lt;id&gt;</c>), so a step that runs twice decides once.
/// </summary>
public sealed class PromotionDecisionRecord
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public required string Origin { get; set; }
    public int CandidateVersion { get; set; }
    /// <summary>The champion the candidate was compared with; null when there was none.</summary>
    public int? ChampionVersion { get; set; }
    public bool Promoted { get; set; }
    /// <summary>The rule: <c>accuracy@B</c> or <c>curve</c>.</summary>
    public required string Metric { get; set; }
    public double Margin { get; set; }
    public double? CandidateValue { get; set; }
    public double? ChampionValue { get; set; }
    /// <summary>One sentence a person can read: why this decision.</summary>
    public required string Reason { get; set; }
    /// <summary>Who decided: the run/step, or the user of a manual promotion.</summary>
    public required string DecidedBy { get; set; }
    public DateTime DecidedAt { get; set; }
}
