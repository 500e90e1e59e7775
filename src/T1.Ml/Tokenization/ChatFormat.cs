namespace T1.Ml.Tokenization;

/// <summary>
/// How a problem and its response become one token sequence, the same in SFT, RL sampling and
/// evaluation: the prompt in the tokenizer's chat format (<see cref="ITextTokenizer.Chat"/>: the presets'
/// plain <c>prompt + "\n"</c>, or ChatML's user turn followed by the opened assistant turn for the Qwen2
/// family), then the response (<c>&lt;think&gt;…&lt;/think&gt;\nFinal answer: \boxed{X}</c>), then end of text
/// (<c>&lt;|im_end|&gt;</c> for ChatML). Prompt and response are encoded separately and concatenated, so the
/// ids a trainer sees for the prompt are exactly the ids the sampler is given at inference.
/// </summary>
public static class ChatFormat
{
    /// <summary>The text a preset model (plain format) is given for <paramref name="prompt"/>.</summary>
    public static string PromptText(string prompt) => ChatTemplate.Plain.PromptText(prompt);

    /// <summary>The text <paramref name="tokenizer"/>'s model is given for <paramref name="prompt"/>, in its chat format.</summary>
    public static string PromptText(ITextTokenizer tokenizer, string prompt) => tokenizer.Chat.PromptText(prompt);

    /// <summary>Ids the sampler starts from for <paramref name="prompt"/>.</summary>
    public static int[] EncodePrompt(ITextTokenizer tokenizer, string prompt) => [.. tokenizer.Encode(PromptText(tokenizer, prompt))];

    /// <summary>
    /// Ids of a whole training example (prompt, response, end of text) and the prompt's length:
    /// loss goes on positions from <c>PromptLength</c> on (the response and its end-of-text).
    /// </summary>
    public static (int[] Ids, int PromptLength) EncodeExample(ITextTokenizer tokenizer, string prompt, string response)
    {
        var p = EncodePrompt(tokenizer, prompt);
        var r = tokenizer.Encode(response);
        var ids = new int[p.Length + r.Count + 1];
        p.CopyTo(ids, 0);
        for (int i = 0; i < r.Count; i++) ids[p.Length + i] = r[i];
        ids[^1] = tokenizer.Special.EndOfText;
        return (ids, p.Length);
    }
}
