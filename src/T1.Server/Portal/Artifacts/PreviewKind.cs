namespace T1.Server.Portal.Artifacts;

/// <summary>How the portal shows one file of an artifact.</summary>
public enum PreviewKind
{
    /// <summary>PNG, JPEG, GIF or WebP: shown as an image (served by the file download endpoint).</summary>
    Image,
    /// <summary>A JSON document, pretty-printed.</summary>
    Json,
    /// <summary>JSON lines: the first rows as a table (traces with the verifier's verdicts).</summary>
    Table,
    /// <summary>Text and logs: the beginning of the file.</summary>
    Text,
    /// <summary>A safetensors file: its header (tensor names, shapes, dtypes, parameter count).</summary>
    Safetensors,
    /// <summary>No preview: size and a download link.</summary>
    Binary,
}
