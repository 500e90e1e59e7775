namespace T1.Storage.Database;

/// <summary>
/// A named pointer (<c>champion</c>, <c>staging</c>, …) at one version of a model; (ModelName, Alias) is unique. The
/// <c>champion</c> alias mirrors <see cref="ModelRecord.ChampionVersion"/>, which promotions move.
/// </summary>
public sealed class ModelAliasRecord
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public required string Alias { get; set; }
    public int Version { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One move of an alias — set, moved or removed — by whom, when and why (a promotion decision, or a person's reason).</summary>
public sealed class AliasEventRecord
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public required string Alias { get; set; }
    /// <summary>Where it pointed before; null when the alias is new.</summary>
    public int? FromVersion { get; set; }
    /// <summary>Where it points now; null when the alias was removed.</summary>
    public int? ToVersion { get; set; }
    public required string By { get; set; }
    public required string Reason { get; set; }
    /// <summary>The promotion decision that moved it, when a promotion did.</summary>
    public long? DecisionId { get; set; }
    public DateTime At { get; set; }
}
