namespace T1.Storage.Database;

/// <summary>A tag people put on a run (<c>key = value</c>, one value a key); searched as <c>tags.KEY</c>.</summary>
public sealed class RunTagRecord
{
    public required string RunId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Who set it.</summary>
    public string By { get; set; } = "";
}
