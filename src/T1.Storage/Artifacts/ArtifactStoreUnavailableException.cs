namespace T1.Storage.Artifacts;

/// <summary>The artifact store could not be reached, retries included (its message names the server and what to check).</summary>
public sealed class ArtifactStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
