using T1.Storage.Artifacts;

namespace T1.Server.Portal;

/// <summary>What a page may show of an exception about artifacts: never where files or the artifact store live on the server.</summary>
internal static class ErrorText
{
    public static string Of(Exception e) => e switch
    {
        ArtifactNotFoundException a => $"artifact {a.Sha256} is not in the artifact store (deleted, or the server's artifact settings point elsewhere)",
        FileNotFoundException or DirectoryNotFoundException => "a file of the artifact is missing",
        IOException => "a file of the artifact cannot be read",
        _ => e.Message,
    };
}
