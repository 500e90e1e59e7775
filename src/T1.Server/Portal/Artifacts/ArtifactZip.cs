using System.IO.Compression;
using T1.Storage.Artifacts;

namespace T1.Server.Portal.Artifacts;

/// <summary>
/// Streams an artifact's files as a zip: each file goes from the store into its entry as it is read, so nothing is
/// staged on disk or held whole in memory. Weights and images are stored, text is deflated (fastest).
/// </summary>
public static class ArtifactZip
{
    /// <summary>The download name: the output's name and the first 12 hex digits of its sha256.</summary>
    public static string FileName(ArtifactListing listing) => $"{Safe(listing.Name)}-{listing.Sha256[..12]}.zip";

    public static async Task WriteAsync(ArtifactListing listing, ArtifactStore store, Stream destination, CancellationToken ct)
    {
        await using var zip = await ZipArchive.CreateAsync(destination, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        foreach (var file in listing.Files)
        {
            if (file.Path.Split('/').Any(p => p is "" or "." or "..") || Path.IsPathRooted(file.Path))
                throw new InvalidDataException($"artifact {listing.Sha256}: manifest entry '{file.Path}' is not a relative path inside the folder.");
            var entry = zip.CreateEntry(file.Path, FileTypes.IsCompressed(file.Path) ? CompressionLevel.NoCompression : CompressionLevel.Fastest);
            await using var target = await entry.OpenAsync(ct);
            await store.CopyToAsync(file.Sha256, target, ct);
        }
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
