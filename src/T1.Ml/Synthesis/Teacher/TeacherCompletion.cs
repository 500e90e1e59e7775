namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// One teacher response as the OpenAI chat-completions protocol returns it: the answer text, the thinking when the
/// server returns it apart (<c>reasoning_content</c>, as reasoning servers do), why it stopped, and the token counts.
/// </summary>
/// <param name="Content">choices[0].message.content (may hold a &lt;think&gt; section when the server does not split it off).</param>
/// <param name="Reasoning">choices[0].message.reasoning_content (or reasoning), when given.</param>
/// <param name="FinishReason">stop, length, …; null when the server did not say.</param>
/// <param name="PromptTokens">usage.prompt_tokens (0 when the server sent no usage).</param>
/// <param name="CompletionTokens">usage.completion_tokens, thinking included.</param>
/// <param name="Error">Why this one request gave no usable completion (the endpoint refused this prompt with 400, or its body
/// is not a chat completion); the trace is then rejected with this reason and synthesis goes on.</param>
public sealed record TeacherCompletion(string? Content, string? Reasoning, string? FinishReason, long PromptTokens, long CompletionTokens, string? Error = null)
{
    public static TeacherCompletion Failed(string error) => new(null, null, null, 0, 0, error);
}
