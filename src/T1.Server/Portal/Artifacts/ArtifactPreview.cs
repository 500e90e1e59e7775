namespace T1.Server.Portal.Artifacts;

/// <summary>
/// What the portal shows of one file of an artifact: exactly one of <see cref="Text"/> (JSON, text),
/// <see cref="Table"/> (JSON lines) and <see cref="Tensors"/> (safetensors) is set for those kinds; images and
/// other files carry none. <see cref="Note"/> says what was left out (a file read only in part) or why there is no preview.
/// </summary>
public sealed record ArtifactPreview(string Path, long Size, PreviewKind Kind, string? Text = null, PreviewTable? Table = null,
    SafetensorsHeader? Tensors = null, string? Note = null);
