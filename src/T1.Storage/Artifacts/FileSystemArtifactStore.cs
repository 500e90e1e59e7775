namespace T1.Storage.Artifacts;

/// <summary>
/// Artifact store in a local folder: <c>&lt;root&gt;/sha256/&lt;2 hex&gt;/&lt;64 hex&gt;</c>.
/// Safe for several processes sharing one folder: a put writes a private temp file in
/// <c>&lt;root&gt;/tmp</c>, fsyncs it and renames it into place, so a blob is either absent or complete;
/// two puts of the same content race harmlessly (both hold identical bytes; the loser deletes its temp).
/// </summary>
public sealed class FileSystemArtifactStore : ArtifactStore
{
    private const int BufferSize = 1 << 20;
    private readonly string _root;
    private readonly string _tempDir;

    public FileSystemArtifactStore(FileSystemArtifactStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Root))
            throw new ArgumentException(
                $"FileSystemArtifactStoreOptions.Root is empty: set it to the folder that should hold the artifacts (default '{FileSystemArtifactStoreOptions.DefaultRoot}').",
                nameof(options));
        _root = Path.GetFullPath(options.Root);
        _tempDir = Path.Combine(_root, "tmp");
    }

    public FileSystemArtifactStore(string root) : this(new FileSystemArtifactStoreOptions { Root = root }) { }

    /// <summary>The absolute root folder.</summary>
    public override string Location => _root;

    /// <summary>The absolute path where the blob <paramref name="sha256"/> lives (whether or not it exists).</summary>
    public string BlobPath(string sha256)
    {
        Sha256Key.Validate(sha256);
        return Path.Combine(_root, Sha256Key.RelativePath(sha256));
    }

    public override async Task<BlobInfo> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(_tempDir);
        var temp = Path.Combine(_tempDir, $"{Guid.NewGuid():N}.part");
        try
        {
            BlobInfo blob;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                blob = await Sha256Key.CopyAndHashAsync(content, file, cancellationToken);
                file.Flush(flushToDisk: true); // durable before it becomes visible under its name
            }

            var target = Path.Combine(_root, Sha256Key.RelativePath(blob.Sha256));
            if (File.Exists(target)) return blob; // already stored: idempotent (the finally deletes the temp)
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                // No overwrite: on Unix this is link()+unlink(), which fails if another put won the race.
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another writer stored the same content first; its bytes are ours.
            }
            return blob;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public override Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default)
        => Task.FromResult(File.Exists(BlobPath(sha256)));

    public override async Task DownloadToFileAsync(string sha256, string destinationPath, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(sha256);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var destination = Path.GetFullPath(destinationPath);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temp = $"{destination}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var source = OpenBlob(path, sha256))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                var actual = await Sha256Key.CopyAndHashAsync(source, file, cancellationToken);
                if (actual.Sha256 != sha256) throw new ArtifactCorruptedException(sha256, actual.Sha256, Location);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public override async Task<byte[]> ReadAllBytesAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(sha256);
        await using var source = OpenBlob(path, sha256);
        using var memory = new MemoryStream(source.Length <= int.MaxValue ? (int)source.Length : 0);
        var actual = await Sha256Key.CopyAndHashAsync(source, memory, cancellationToken);
        if (actual.Sha256 != sha256) throw new ArtifactCorruptedException(sha256, actual.Sha256, Location);
        return memory.ToArray();
    }

    public override async Task CopyToAsync(string sha256, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var source = OpenBlob(BlobPath(sha256), sha256);
        var actual = await Sha256Key.CopyAndHashAsync(source, destination, cancellationToken);
        if (actual.Sha256 != sha256) throw new ArtifactCorruptedException(sha256, actual.Sha256, Location);
    }

    public override async Task<byte[]> ReadPrefixAsync(string sha256, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await using var source = OpenBlob(BlobPath(sha256), sha256);
        var buffer = new byte[(int)Math.Min(count, source.Length)];
        await source.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    public override async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var blobs = Path.Combine(_root, "sha256");
        if (!Directory.Exists(blobs)) yield break;
        foreach (var file in Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (!Sha256Key.IsValid(name)) continue; // not a blob (nothing else should be there)
            var info = new FileInfo(file);
            if (info.Exists) yield return new StoredBlob(name, info.Length, info.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    public override Task DeleteAsync(string sha256, CancellationToken cancellationToken = default)
    {
        File.Delete(BlobPath(sha256)); // no-op when absent
        return Task.CompletedTask;
    }

    private FileStream OpenBlob(string path, string sha256)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArtifactNotFoundException(sha256, Location);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: a leftover temp is harmless and never read */ }
        catch (UnauthorizedAccessException) { }
    }
}
