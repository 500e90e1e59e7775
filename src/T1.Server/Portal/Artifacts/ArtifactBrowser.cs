using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Portal.Artifacts;

/// <summary>
/// Browses registered artifacts straight from the artifact store (local folder or S3): a folder's manifest, previews
/// built from the first bytes of a file only (never the whole of a large one), and checkpoint summaries.
/// </summary>
public sealed class ArtifactBrowser(DatabaseFactory database, ArtifactStore store)
{
    /// <summary>Bytes read for a text or JSON-lines preview.</summary>
    public const int PreviewBytes = 256 * 1024;

    /// <summary>Largest JSON file pretty-printed whole (larger ones are shown as the beginning of their text).</summary>
    public const int MaxJsonBytes = 1024 * 1024;

    /// <summary>Rows of a JSON-lines preview.</summary>
    public const int PreviewRows = 50;

    /// <summary>The artifact whose file or manifest has <paramref name="sha256"/>, or null when no run output has it.</summary>
    public async Task<ArtifactListing?> OpenAsync(string sha256, CancellationToken ct = default)
    {
        if (!ArtifactRef.TryParse(ArtifactRef.Prefix + sha256, out _)) return null;
        List<ArtifactRecord> outputs;
        await using (var db = database.Create())
            outputs = await db.Artifacts.AsNoTracking().Where(a => a.Sha256 == sha256).OrderByDescending(a => a.Id).ToListAsync(ct);
        if (outputs.Count == 0) return null;
        var first = outputs[0];
        if (first.Layout != "dir")
            return new ArtifactListing(sha256, first.Layout, outputs, [new ArtifactManifest.Entry(first.Name, sha256, first.Size)]);
        var manifest = ArtifactManifest.TryParse(await store.ReadAllBytesAsync(sha256, ct))
            ?? throw new InvalidDataException($"artifact {sha256} ({first.Name} of run {first.RunId}, step {first.StepId}) is registered as a folder, but its manifest is not a {ArtifactManifest.FormatName} document.");
        return new ArtifactListing(sha256, first.Layout, outputs, manifest.Files);
    }

    /// <summary>The preview of one file (see <see cref="PreviewKind"/>); a file that cannot be read as its type says why in <see cref="ArtifactPreview.Note"/>.</summary>
    public async Task<ArtifactPreview> PreviewAsync(ArtifactManifest.Entry file, CancellationToken ct = default)
    {
        var kind = FileTypes.KindOf(file.Path);
        try
        {
            switch (kind)
            {
                case PreviewKind.Image:
                    return new ArtifactPreview(file.Path, file.Size, kind);
                case PreviewKind.Safetensors:
                    return new ArtifactPreview(file.Path, file.Size, kind, Tensors: await HeaderAsync(file, ct));
                case PreviewKind.Json when file.Size <= MaxJsonBytes:
                    var bytes = await store.ReadPrefixAsync(file.Sha256, MaxJsonBytes, ct);
                    try
                    {
                        var node = JsonNode.Parse(bytes);
                        return new ArtifactPreview(file.Path, file.Size, kind, Text: node?.ToJsonString(Indented) ?? "null");
                    }
                    catch (JsonException e)
                    {
                        return await TextAsync(file, $"not valid JSON ({e.Message}); shown as text.", ct);
                    }
                case PreviewKind.Json:
                    return await TextAsync(file, null, ct);
                case PreviewKind.Table:
                    var prefix = await store.ReadPrefixAsync(file.Sha256, PreviewBytes, ct);
                    var cut = file.Size > prefix.Length;
                    var table = PreviewTable.Parse(prefix, cut, PreviewRows);
                    var note = table.Rows.Count == PreviewRows || cut ? $"the first {table.Rows.Count} rows" : null;
                    if (table.SkippedLines > 0) note = (note is null ? "" : note + "; ") + $"{table.SkippedLines} line(s) that are not JSON objects left out";
                    return new ArtifactPreview(file.Path, file.Size, kind, Table: table, Note: note);
                case PreviewKind.Text:
                    return await TextAsync(file, null, ct);
                default:
                    return new ArtifactPreview(file.Path, file.Size, kind, Note: "no preview for this type of file; download it.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or ArtifactNotFoundException)
        {
            // A run's record outlives its bytes when the store lost them or points elsewhere: the page says so instead of failing.
            return new ArtifactPreview(file.Path, file.Size, PreviewKind.Binary, Note: e.Message);
        }
    }

    /// <summary>For a folder with <c>config.json</c> and safetensors files, what they say; otherwise null.</summary>
    public async Task<CheckpointSummary?> CheckpointAsync(ArtifactListing listing, CancellationToken ct = default)
    {
        var config = listing.File("config.json");
        var weights = listing.Files.Where(f => f.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) && !f.Path.Contains('/')).ToList();
        if (!listing.IsFolder || config is null || weights.Count == 0) return null;
        var settings = new List<KeyValuePair<string, string>>();
        var byDtype = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var tensors = 0;
        try
        {
            if (JsonNode.Parse(await store.ReadPrefixAsync(config.Sha256, MaxJsonBytes, ct)) is JsonObject o)
                foreach (var (key, value) in o)
                    if (value is JsonValue) settings.Add(new(key, value.ToJsonString()));
            foreach (var w in weights)
            {
                var header = await HeaderAsync(w, ct);
                tensors += header.Tensors.Count;
                foreach (var t in header.Tensors) byDtype[t.Dtype] = byDtype.GetValueOrDefault(t.Dtype) + t.Elements;
            }
            return new CheckpointSummary(settings, tensors, byDtype.Values.Sum(), byDtype, null);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or ArtifactNotFoundException)
        {
            return new CheckpointSummary(settings, tensors, byDtype.Values.Sum(), byDtype, e.Message);
        }
    }

    /// <summary>Reads the 8-byte length, then exactly the header: two short reads however large the weights are.</summary>
    private async Task<SafetensorsHeader> HeaderAsync(ArtifactManifest.Entry file, CancellationToken ct)
    {
        var length = SafetensorsHeader.Length(await store.ReadPrefixAsync(file.Sha256, 8, ct), file.Path);
        return SafetensorsHeader.Parse(await store.ReadPrefixAsync(file.Sha256, (int)(8 + length), ct), file.Path);
    }

    private async Task<ArtifactPreview> TextAsync(ArtifactManifest.Entry file, string? note, CancellationToken ct)
    {
        var bytes = await store.ReadPrefixAsync(file.Sha256, PreviewBytes, ct);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
            return new ArtifactPreview(file.Path, file.Size, PreviewKind.Binary, Note: "binary content (it has NUL bytes): no text preview; download it.");
        var cut = file.Size > bytes.Length;
        // A cut may split a UTF-8 sequence: the decoder shows it as one replacement character at the end.
        var text = Encoding.UTF8.GetString(bytes);
        var what = cut ? $"the first {PortalQueries.Size(bytes.Length)} of {PortalQueries.Size(file.Size)}" : null;
        return new ArtifactPreview(file.Path, file.Size, PreviewKind.Text, Text: text,
            Note: string.Join("; ", new[] { note, what }.Where(n => n is not null)) is { Length: > 0 } n ? n : null);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
