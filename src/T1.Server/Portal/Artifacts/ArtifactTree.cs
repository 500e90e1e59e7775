using T1.Workflows.Engine;

namespace T1.Server.Portal.Artifacts;

/// <summary>A folder artifact's files as a tree: folders first, then files, each by name.</summary>
public sealed record ArtifactTree(string Name, string Path, ArtifactManifest.Entry? File, IReadOnlyList<ArtifactTree> Children)
{
    public bool IsFolder => File is null;

    /// <summary>Bytes of the file, or of every file below the folder.</summary>
    public long Size => File?.Size ?? Children.Sum(c => c.Size);

    /// <summary>The tree of <paramref name="files"/> (relative paths with '/').</summary>
    public static ArtifactTree Build(IEnumerable<ArtifactManifest.Entry> files) => Build("", "", files.Select(f => (f.Path.Split('/'), f)).ToList(), 0);

    private static ArtifactTree Build(string name, string path, List<(string[] Parts, ArtifactManifest.Entry Entry)> files, int depth)
    {
        var children = new List<ArtifactTree>();
        foreach (var folder in files.Where(f => f.Parts.Length > depth + 1).GroupBy(f => f.Parts[depth]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var folderPath = path.Length == 0 ? folder.Key : path + "/" + folder.Key;
            children.Add(Build(folder.Key, folderPath, folder.ToList(), depth + 1));
        }
        foreach (var file in files.Where(f => f.Parts.Length == depth + 1).OrderBy(f => f.Parts[depth], StringComparer.Ordinal))
            children.Add(new ArtifactTree(file.Parts[depth], file.Entry.Path, file.Entry, []));
        return new ArtifactTree(name, path, null, children);
    }
}
