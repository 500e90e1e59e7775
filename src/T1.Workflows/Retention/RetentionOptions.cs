namespace T1.Workflows.Retention;

/// <summary>What `t1 gc` and its schedule keep (configuration section <c>T1:Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>Runs that finished and were created longer ago than this may be deleted…</summary>
    public TimeSpan OlderThan { get; set; } = TimeSpan.FromDays(30);

    /// <summary>…except the newest this many of each workflow, which are always kept.</summary>
    public int KeepLast { get; set; } = 10;

    /// <summary>
    /// Blobs stored more recently than this are kept even when nothing references them yet: a running
    /// step stores its blobs first and registers them after.
    /// </summary>
    public TimeSpan MinBlobAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Cron (UTC, 5 fields) on which servers and workers run the collection with these settings; empty: never.</summary>
    public string Schedule { get; set; } = "";
}
