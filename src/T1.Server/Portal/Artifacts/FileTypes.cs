namespace T1.Server.Portal.Artifacts;

/// <summary>What a file of an artifact is, from its name: how to preview it and which content type to serve it with.</summary>
public static class FileTypes
{
    private static readonly Dictionary<string, string> Images = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp",
    };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".log", ".md", ".yaml", ".yml", ".csv", ".tsv", ".py", ".cfg", ".ini", ".toml", ".jinja", ".html", ".xml", ".sh",
    };

    public static PreviewKind KindOf(string path)
    {
        var ext = Path.GetExtension(path);
        if (Images.ContainsKey(ext)) return PreviewKind.Image;
        if (ext.Equals(".json", StringComparison.OrdinalIgnoreCase)) return PreviewKind.Json;
        if (ext.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || ext.Equals(".ndjson", StringComparison.OrdinalIgnoreCase)) return PreviewKind.Table;
        if (ext.Equals(".safetensors", StringComparison.OrdinalIgnoreCase)) return PreviewKind.Safetensors;
        if (TextExtensions.Contains(ext) || ext.Length == 0) return PreviewKind.Text;
        return PreviewKind.Binary;
    }

    /// <summary>
    /// The content type a file is served with. Only images are served as what they are (shown inline by the portal);
    /// everything else is an octet-stream download, so no artifact is ever rendered as a page of this site.
    /// </summary>
    public static string ContentType(string path) => Images.GetValueOrDefault(Path.GetExtension(path)) ?? "application/octet-stream";

    /// <summary>Formats that are compressed already (or barely compress): stored as they are in a zip.</summary>
    public static bool IsCompressed(string path) =>
        Images.ContainsKey(Path.GetExtension(path))
        || Path.GetExtension(path) is ".safetensors" or ".bin" or ".pt" or ".gz" or ".zip" or ".zst";
}
