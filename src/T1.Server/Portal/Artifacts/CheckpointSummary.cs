namespace T1.Server.Portal.Artifacts;

/// <summary>
/// A checkpoint folder at a glance: the top-level settings of its <c>config.json</c> and what its safetensors headers
/// say (tensors, parameters per dtype). <see cref="Error"/> says what could not be read.
/// </summary>
public sealed record CheckpointSummary(IReadOnlyList<KeyValuePair<string, string>> Config, int Tensors, long Parameters,
    IReadOnlyDictionary<string, long> ParametersByDtype, string? Error);
