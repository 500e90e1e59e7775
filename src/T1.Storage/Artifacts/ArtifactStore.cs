namespace T1.Storage.Artifacts;

/// <summary>
/// A content-addressed blob store: every blob is named by the sha256 of its bytes, so the
/// same content is stored once and a key can never name anything outside the store.
/// Each backend is <c>&lt;Backend&gt;ArtifactStore</c> with <c>&lt;Backend&gt;ArtifactStoreOptions</c>.
/// Every method that takes a key throws <see cref="ArgumentException"/> unless the key is 64 lowercase
/// hex characters (the spelling <see cref="BlobInfo.Sha256"/> has). Every read verifies the sha256 of
/// what it read before handing it out. All members are safe to call concurrently, also from several
/// processes sharing one folder or bucket.
/// </summary>
public abstract class ArtifactStore
{
    /// <summary>Where the blobs live, for messages: a folder path or <c>s3://bucket/prefix</c>.</summary>
    public abstract string Location { get; }

    /// <summary>
    /// Stores the bytes of <paramref name="content"/>. Atomic: the blob becomes visible only
    /// complete (temp file then rename / complete upload), never half-written. Idempotent:
    /// putting content that is already stored is a no-op that returns the same blob.
    /// </summary>
    public abstract Task<BlobInfo> PutAsync(Stream content, CancellationToken cancellationToken = default);

    /// <summary>Stores a local file (see <see cref="PutAsync"/>).</summary>
    public virtual async Task<BlobInfo> PutFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var s = File.OpenRead(path);
        return await PutAsync(s, cancellationToken);
    }

    public abstract Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies the blob to <paramref name="destinationPath"/> (written to a temp file, then renamed)
    /// after verifying its sha256; throws <see cref="ArtifactCorruptedException"/> on mismatch and
    /// <see cref="ArtifactNotFoundException"/> when absent.
    /// </summary>
    public abstract Task DownloadToFileAsync(string sha256, string destinationPath, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole blob into memory, verified. For small blobs (manifests, reports).</summary>
    public abstract Task<byte[]> ReadAllBytesAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the whole blob into <paramref name="destination"/> (a download to a client, a zip entry) and verifies
    /// its sha256 at the end: the bytes have gone out by then, so a mismatch throws
    /// <see cref="ArtifactCorruptedException"/> after the fact (the caller aborts its response).
    /// </summary>
    public abstract Task CopyToAsync(string sha256, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads at most the first <paramref name="count"/> bytes of the blob, NOT verified (a preview: a safetensors
    /// header, the first rows of a large file); fewer when the blob is shorter. Throws
    /// <see cref="ArtifactNotFoundException"/> when absent.
    /// </summary>
    public abstract Task<byte[]> ReadPrefixAsync(string sha256, int count, CancellationToken cancellationToken = default);

    /// <summary>Every stored blob with its size and when it was stored (for retention: `t1 gc`).</summary>
    public abstract IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; deleting one that is not there is a no-op. Only retention (`t1 gc`) deletes.</summary>
    public abstract Task DeleteAsync(string sha256, CancellationToken cancellationToken = default);
}

/// <summary>A blob as listed by <see cref="ArtifactStore.ListAsync"/>.</summary>
public sealed record StoredBlob(string Sha256, long Size, DateTime StoredAt);

/// <summary>A stored blob: its sha256 (lowercase hex) and size in bytes.</summary>
public sealed record BlobInfo(string Sha256, long Size);

public sealed class ArtifactNotFoundException(string sha256, string location)
    : Exception($"artifact {sha256} is not in the artifact store at {location}; it may have been deleted, or the store configuration points elsewhere (check T1__Artifacts__*).")
{
    public string Sha256 { get; } = sha256;
}

public sealed class ArtifactCorruptedException(string sha256, string actual, string location)
    : Exception($"artifact {sha256} in {location} is corrupted: its content hashes to {actual}. Delete the blob and re-run the step that produced it (t1 resume).")
{
    public string Sha256 { get; } = sha256;
}
