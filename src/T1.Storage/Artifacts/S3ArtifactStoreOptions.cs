namespace T1.Storage.Artifacts;

/// <summary>Options of <see cref="S3ArtifactStore"/> (MinIO or any S3-compatible server).</summary>
public sealed class S3ArtifactStoreOptions
{
    /// <summary>Server as <c>host:port</c> (no scheme), e.g. <c>minio:9000</c>.</summary>
    public string Endpoint { get; set; } = "";

    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>Bucket of the blobs; created on first use if missing.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>Optional folder inside the bucket, e.g. <c>team-a</c>: blobs go to <c>&lt;Prefix&gt;/sha256/…</c>.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>HTTPS when true (the default); set false for a plain-HTTP MinIO in a private network.</summary>
    public bool UseSsl { get; set; } = true;

    /// <summary>Region of the bucket; empty lets the SDK ask the server.</summary>
    public string Region { get; set; } = "";

    /// <summary>
    /// Folder where a put spools its content while hashing it (the key is known only after the last byte);
    /// empty means the system temp folder. Needs room for the largest artifact.
    /// </summary>
    public string SpoolDirectory { get; set; } = "";

    /// <summary>How long a call keeps retrying a transient error (server down or restarting, connection lost, 5xx) before it fails.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait between two retries (waits double from 0.5 s up to this, with jitter).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first missing or malformed setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
            throw new ArgumentException("S3ArtifactStoreOptions.Endpoint is empty: set it to the S3 server as host:port, e.g. 'minio:9000'.");
        if (Endpoint.Contains("://", StringComparison.Ordinal))
            throw new ArgumentException($"S3ArtifactStoreOptions.Endpoint '{Endpoint}' has a scheme: give host:port only and choose HTTPS with UseSsl.");
        if (string.IsNullOrWhiteSpace(AccessKey) || string.IsNullOrWhiteSpace(SecretKey))
            throw new ArgumentException("S3ArtifactStoreOptions.AccessKey and SecretKey must both be set (the S3 server's credentials).");
        if (string.IsNullOrWhiteSpace(Bucket))
            throw new ArgumentException("S3ArtifactStoreOptions.Bucket is empty: set it to the bucket that should hold the artifacts, e.g. 't1-artifacts'.");
    }
}
