namespace T1.Workflows.Retention;

/// <summary>What a collection deleted (or, in a dry run, would delete).</summary>
public sealed record GcReport(
    bool Applied,
    IReadOnlyList<GcRun> Runs,
    int ProtectedRuns,
    int Blobs, long BlobBytes,
    int CacheEntries, long CacheBytes,
    int WorkFolders, long WorkBytes)
{
    public long TotalBytes => BlobBytes + CacheBytes + WorkBytes;
}

/// <summary>A run a collection deletes.</summary>
public sealed record GcRun(string Id, string Workflow, int Version, string Status, DateTime CreatedAt);
