using System.Text.RegularExpressions;

namespace T1.Workflows.Authoring;

/// <summary>One saved draft: the workflow name it was saved under and when.</summary>
public sealed record DraftInfo(string Name, DateTime SavedAtUtc);

/// <summary>
/// Drafts saved from the designer: YAML that need not validate yet, one file per workflow name
/// under a folder (by default <c>&lt;data directory&gt;/drafts</c>). Saving again replaces the draft;
/// publishing is separate (a validated, immutable version in the definition store).
/// Writes are atomic (temporary file, then rename), so a reader never sees half a draft.
/// </summary>
public sealed partial class DraftStore(string directory)
{
    public string Directory { get; } = directory;

    public async Task SaveAsync(string name, string yaml, CancellationToken ct = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(name);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        await File.WriteAllTextAsync(temp, yaml, ct);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The draft's YAML, or null when there is none.</summary>
    public async Task<string?> LoadAsync(string name, CancellationToken ct = default)
    {
        var path = PathOf(name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : null;
    }

    public bool Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Saved drafts, newest first.</summary>
    public IReadOnlyList<DraftInfo> List() =>
        !System.IO.Directory.Exists(Directory) ? []
            : new DirectoryInfo(Directory).GetFiles("*.yaml")
                .Select(f => new DraftInfo(Path.GetFileNameWithoutExtension(f.Name), f.LastWriteTimeUtc))
                .OrderByDescending(d => d.SavedAtUtc).ToList();

    /// <summary>The file of a draft; the name is reduced to letters, digits, '-' and '_' so it cannot leave the folder.</summary>
    public string PathOf(string name)
    {
        var safe = Unsafe().Replace(name, "-").Trim('-', '.');
        if (safe.Length == 0) safe = "untitled";
        return Path.Combine(Directory, safe + ".yaml");
    }

    [GeneratedRegex("[^A-Za-z0-9_-]+")]
    private static partial Regex Unsafe();
}
