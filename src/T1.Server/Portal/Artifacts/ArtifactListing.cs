using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Portal.Artifacts;

/// <summary>
/// A registered artifact opened for browsing: the runs/steps that output it (the same content can be an output of
/// several), and its files — a folder's manifest entries, or the one file of a file artifact (named after the output).
/// </summary>
public sealed record ArtifactListing(string Sha256, string Layout, IReadOnlyList<ArtifactRecord> Outputs, IReadOnlyList<ArtifactManifest.Entry> Files)
{
    public bool IsFolder => Layout == "dir";

    /// <summary>The output's name (of the newest run that has it).</summary>
    public string Name => Outputs[0].Name;

    public string Kind => Outputs[0].Kind;

    public long Size => Files.Sum(f => f.Size);

    /// <summary>The file at <paramref name="path"/>, or null.</summary>
    public ArtifactManifest.Entry? File(string? path) => path is null ? null : Files.FirstOrDefault(f => f.Path == path);
}
