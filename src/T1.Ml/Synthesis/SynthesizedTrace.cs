using System.Text.Json.Serialization;

namespace T1.Ml.Synthesis;

/// <summary>One SFT example: the prompt, the trial-and-error response, and the verified answer.</summary>
public sealed record SynthesizedTrace(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("difficulty")] int Difficulty);
