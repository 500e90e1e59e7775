using System.Text.Json.Serialization;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// One teacher response as kept in the work file, accepted or not: which problem (its index in the problem list and
/// its id) and which of its samples, the verdict, the trace, and the tokens and cost it took.
/// </summary>
public sealed record TeacherTraceRecord(
    [property: JsonPropertyName("problem")] int Problem,
    [property: JsonPropertyName("sample")] int Sample,
    [property: JsonPropertyName("problem_id")] string ProblemId,
    [property: JsonPropertyName("accepted")] bool Accepted,
    [property: JsonPropertyName("response")] string? Response,
    [property: JsonPropertyName("extracted")] string? Extracted,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("finish_reason")] string? FinishReason,
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("cost")] double Cost)
{
    /// <summary>The record's place in the deterministic order: problem index, then sample.</summary>
    [JsonIgnore]
    public (int Problem, int Sample) Key => (Problem, Sample);
}

[JsonSerializable(typeof(TeacherTraceRecord))]
internal sealed partial class TeacherTraceRecordContext : JsonSerializerContext;
