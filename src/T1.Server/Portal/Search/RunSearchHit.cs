namespace T1.Server.Portal.Search;

/// <summary>A row of the search statement: a matching run's id, and how many runs match in all.</summary>
internal sealed class RunSearchHit
{
    public string Id { get; set; } = "";
    public long Total { get; set; }
}
