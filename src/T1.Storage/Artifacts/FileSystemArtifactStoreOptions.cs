namespace T1.Storage.Artifacts;

/// <summary>Options of <see cref="FileSystemArtifactStore"/>.</summary>
public sealed class FileSystemArtifactStoreOptions
{
    public const string DefaultRoot = ".t1/artifacts";

    /// <summary>
    /// The folder that holds the blobs (<c>&lt;Root&gt;/sha256/&lt;2 hex&gt;/&lt;64 hex&gt;</c>) and the
    /// temp files of puts in progress (<c>&lt;Root&gt;/tmp</c>, same file system, so the final rename is atomic).
    /// Relative paths are resolved against the current directory once, when the store is created.
    /// </summary>
    public string Root { get; set; } = DefaultRoot;
}
