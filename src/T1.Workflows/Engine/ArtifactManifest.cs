using System.Text.Json;
using T1.Storage.Artifacts;

namespace T1.Workflows.Engine;

/// <summary>
/// A folder artifact is stored as one blob per file plus a manifest blob listing
/// (relative path, sha256, size) in path order; the folder's identity is the manifest's sha256.
/// </summary>
public sealed record ArtifactManifest(string Format, IReadOnlyList<ArtifactManifest.Entry> Files)
{
    public const string FormatName = "t1-dir-manifest/1";

    public sealed record Entry(string Path, string Sha256, long Size);

    public long TotalSize => Files.Sum(f => f.Size);

    public static async Task<(BlobInfo Manifest, ArtifactManifest Content)> PutDirectoryAsync(
        ArtifactStore store, string directory, CancellationToken ct)
    {
        var root = Path.GetFullPath(directory);
        var entries = new List<Entry>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var blob = await store.PutFileAsync(file, ct);
            entries.Add(new Entry(Path.GetRelativePath(root, file).Replace('\\', '/'), blob.Sha256, blob.Size));
        }
        var manifest = new ArtifactManifest(FormatName, entries);
        using var ms = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions));
        return (await store.PutAsync(ms, ct), manifest);
    }

    public static ArtifactManifest? TryParse(byte[] bytes)
    {
        try
        {
            var m = JsonSerializer.Deserialize<ArtifactManifest>(bytes, JsonOptions);
            return m?.Format == FormatName ? m : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Recreates the folder at <paramref name="destination"/> (built beside it, then renamed: never half-written).</summary>
    public async Task MaterializeAsync(ArtifactStore store, string destination, CancellationToken ct)
    {
        var temp = destination + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            foreach (var f in Files)
            {
                var target = Path.GetFullPath(Path.Combine(temp, f.Path));
                if (!target.StartsWith(Path.GetFullPath(temp) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"manifest entry '{f.Path}' points outside its folder");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await store.DownloadToFileAsync(f.Sha256, target, ct);
            }
            Directory.CreateDirectory(temp);
            try { Directory.Move(temp, destination); }
            catch (IOException) when (Directory.Exists(destination)) { /* another reader materialised it first */ }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
