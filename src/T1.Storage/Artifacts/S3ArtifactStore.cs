using Microsoft.Extensions.Logging;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Polly;

namespace T1.Storage.Artifacts;

/// <summary>
/// Artifact store in an S3 bucket (MinIO or any S3): object <c>[&lt;prefix&gt;/]sha256/&lt;2 hex&gt;/&lt;64 hex&gt;</c>.
/// A put spools the content to a local temp file while hashing it, then uploads it under its key
/// unless that object exists already; S3 makes an object visible only when its upload completes,
/// so readers never see half a blob. Concurrent puts of the same content upload identical bytes.
/// Reads fetch whole objects (Minio SDK 7.0.0 ranged GETs throw PartialContentException) and verify them.
/// Every call rides out an outage of the server (<see cref="S3Retry"/>): it starts over until the server
/// answers or <see cref="S3ArtifactStoreOptions.RetryFor"/> has passed.
/// </summary>
public sealed class S3ArtifactStore : ArtifactStore, IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly S3ArtifactStoreOptions _options;
    private readonly IMinioClient _client;
    private readonly string _prefix;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _bucketLock = new(1, 1);
    private volatile bool _bucketReady;

    /// <param name="logger">Where retries during an outage are reported (none when null).</param>
    public S3ArtifactStore(S3ArtifactStoreOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _prefix = options.Prefix.Trim('/');
        _retry = S3Retry.Create(options, Location, logger);
        var client = new MinioClient()
            .WithEndpoint(options.Endpoint)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithSSL(options.UseSsl);
        if (!string.IsNullOrWhiteSpace(options.Region)) client = client.WithRegion(options.Region);
        _client = client.Build();
    }

    public override string Location => _prefix.Length == 0 ? $"s3://{_options.Bucket}" : $"s3://{_options.Bucket}/{_prefix}";

    /// <summary>The object name of blob <paramref name="sha256"/> inside the bucket.</summary>
    public string ObjectKey(string sha256)
    {
        Sha256Key.Validate(sha256);
        var relative = Sha256Key.RelativePath(sha256);
        return _prefix.Length == 0 ? relative : $"{_prefix}/{relative}";
    }

    public override async Task<BlobInfo> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var spoolDir = string.IsNullOrWhiteSpace(_options.SpoolDirectory) ? Path.GetTempPath() : _options.SpoolDirectory;
        Directory.CreateDirectory(spoolDir);
        var spool = Path.Combine(spoolDir, $"t1-put-{Guid.NewGuid():N}.part");
        try
        {
            await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            var blob = await Sha256Key.CopyAndHashAsync(content, file, cancellationToken);
            var key = ObjectKey(blob.Sha256);
            await RetryAsync(async ct =>
            {
                await EnsureBucketAsync(ct);
                if (await ObjectExistsAsync(key, ct)) return; // idempotent: same key, same bytes
                file.Position = 0; // a retry uploads from the start
                await _client.PutObjectAsync(new PutObjectArgs()
                    .WithBucket(_options.Bucket)
                    .WithObject(key)
                    .WithStreamData(file)
                    .WithObjectSize(blob.Size)
                    .WithContentType("application/octet-stream"), ct);
            }, cancellationToken);
            return blob;
        }
        finally
        {
            if (File.Exists(spool)) File.Delete(spool); // DeleteOnClose covers the normal path
        }
    }

    public override async Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = ObjectKey(sha256);
        var exists = false;
        await RetryAsync(async ct =>
        {
            await EnsureBucketAsync(ct);
            exists = await ObjectExistsAsync(key, ct);
        }, cancellationToken);
        return exists;
    }

    public override async Task DownloadToFileAsync(string sha256, string destinationPath, CancellationToken cancellationToken = default)
    {
        var key = ObjectKey(sha256);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var destination = Path.GetFullPath(destinationPath);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temp = $"{destination}.{Guid.NewGuid():N}.part";
        try
        {
            await RetryAsync(async ct =>
            {
                // FileMode.Create: a retry starts the file over
                await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
                await GetVerifiedAsync(sha256, key, file, ct);
                file.Flush(flushToDisk: true);
            }, cancellationToken);
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public override async Task<byte[]> ReadAllBytesAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = ObjectKey(sha256);
        byte[] bytes = [];
        await RetryAsync(async ct =>
        {
            using var memory = new MemoryStream();
            await GetVerifiedAsync(sha256, key, memory, ct);
            bytes = memory.ToArray();
        }, cancellationToken);
        return bytes;
    }

    /// <summary>
    /// Streams the object into <paramref name="destination"/> (an HTTP response, a zip entry). Until its first byte is
    /// written the download rides out an outage like every call; bytes written cannot be taken back, so a break after
    /// that fails at once, naming the object.
    /// </summary>
    public override async Task CopyToAsync(string sha256, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var key = ObjectKey(sha256);
        var writing = false;
        await RetryAsync(async ct =>
        {
            try
            {
                await GetVerifiedAsync(sha256, key, destination, ct, () => writing = true);
            }
            catch (Exception e) when (writing && S3Retry.IsTransient(e, ct))
            {
                throw new ArtifactStoreUnavailableException(
                    $"the download of {Location}/{Sha256Key.RelativePath(sha256)} from the S3 server {_options.Endpoint} broke after it had begun " +
                    $"({e.GetType().Name}: {e.Message}); the copy is incomplete: download it again", e);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A plain GET whose body is read only up to <paramref name="count"/> bytes; the rest is never read (the response is
    /// disposed when the callback returns). Not a ranged GET: Minio SDK 7.0.0 throws PartialContentException on those.
    /// </summary>
    public override async Task<byte[]> ReadPrefixAsync(string sha256, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var key = ObjectKey(sha256);
        byte[]? prefix = null;
        await RetryAsync(async token =>
        {
            await EnsureBucketAsync(token);
            try
            {
                await _client.GetObjectAsync(new GetObjectArgs()
                    .WithBucket(_options.Bucket)
                    .WithObject(key)
                    .WithCallbackStream(async (stream, ct) =>
                    {
                        var buffer = new byte[count];
                        var read = await stream.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, ct);
                        prefix = buffer.AsSpan(0, read).ToArray();
                    }), token);
            }
            catch (ObjectNotFoundException)
            {
                throw new ArtifactNotFoundException(sha256, Location);
            }
        }, cancellationToken);
        return prefix ?? throw new InvalidOperationException($"the S3 server returned no body for {Location}/{Sha256Key.RelativePath(sha256)}.");
    }

    public override async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prefix = _prefix.Length == 0 ? "sha256/" : $"{_prefix}/sha256/";
        var items = new List<StoredBlob>();
        await RetryAsync(async ct =>
        {
            items.Clear(); // a retry lists from the start
            await EnsureBucketAsync(ct);
            await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(_options.Bucket).WithPrefix(prefix).WithRecursive(true), ct))
            {
                var name = item.Key[(item.Key.LastIndexOf('/') + 1)..];
                if (!item.IsDir && Sha256Key.IsValid(name))
                    items.Add(new StoredBlob(name, (long)item.Size, item.LastModifiedDateTime?.ToUniversalTime() ?? DateTime.UnixEpoch));
            }
        }, cancellationToken);
        foreach (var blob in items) yield return blob;
    }

    public override Task DeleteAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = ObjectKey(sha256);
        return RetryAsync(async ct =>
        {
            await EnsureBucketAsync(ct);
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_options.Bucket).WithObject(key), ct);
        }, cancellationToken);
    }

    public void Dispose()
    {
        _client.Dispose();
        _bucketLock.Dispose();
    }

    /// <summary>Runs one S3 operation under <see cref="S3Retry"/>; a transient error that outlasts the retries names the server and what to check.</summary>
    private async Task RetryAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.ExecuteAsync(async ct => await operation(ct), cancellationToken);
        }
        catch (Exception e) when (S3Retry.IsTransient(e, cancellationToken))
        {
            throw new ArtifactStoreUnavailableException(
                $"the S3 server {_options.Endpoint} ({Location}) did not answer for {_options.RetryFor.TotalSeconds:0} s ({e.GetType().Name}: {e.Message}); " +
                "check that it runs and that T1__Artifacts__S3__Endpoint points at it, then `t1 resume` the run", e);
        }
    }

    /// <summary>Streams the whole object into <paramref name="destination"/> and checks its sha256.</summary>
    private async Task GetVerifiedAsync(string sha256, string key, Stream destination, CancellationToken cancellationToken, Action? beforeFirstWrite = null)
    {
        await EnsureBucketAsync(cancellationToken);
        BlobInfo? actual = null;
        try
        {
            await _client.GetObjectAsync(new GetObjectArgs()
                .WithBucket(_options.Bucket)
                .WithObject(key)
                .WithCallbackStream(async (stream, ct) => actual = await Sha256Key.CopyAndHashAsync(stream, destination, ct, beforeFirstWrite)),
                cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            throw new ArtifactNotFoundException(sha256, Location);
        }
        if (actual is null)
            throw new InvalidOperationException($"the S3 server returned no body for {Location}/{Sha256Key.RelativePath(sha256)}.");
        if (actual.Sha256 != sha256) throw new ArtifactCorruptedException(sha256, actual.Sha256, Location);
    }

    private async Task<bool> ObjectExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _client.StatObjectAsync(new StatObjectArgs().WithBucket(_options.Bucket).WithObject(key), cancellationToken);
            return true;
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Creates the bucket once per store if it is missing; a failure is retried on the next call.</summary>
    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady) return;
        await _bucketLock.WaitAsync(cancellationToken);
        try
        {
            if (_bucketReady) return;
            var bucket = new BucketExistsArgs().WithBucket(_options.Bucket);
            if (!await _client.BucketExistsAsync(bucket, cancellationToken))
            {
                try
                {
                    await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(_options.Bucket), cancellationToken);
                }
                catch (MinioException)
                {
                    // Another process may have created it between our check and our create.
                    if (!await _client.BucketExistsAsync(bucket, cancellationToken)) throw;
                }
            }
            _bucketReady = true;
        }
        finally
        {
            _bucketLock.Release();
        }
    }
}
