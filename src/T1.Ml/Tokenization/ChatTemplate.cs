using System.Text;
using System.Text.RegularExpressions;

namespace T1.Ml.Tokenization;

/// <summary>
/// How a prompt is wrapped before the model sees it. <see cref="Plain"/> is the format of the models
/// this platform trains from scratch (<c>prompt + "\n"</c>); <see cref="ChatMl(string?)"/> is the Qwen2
/// family's (<c>&lt;|im_start|&gt;system…&lt;|im_end|&gt;</c>, a user turn, then the assistant's turn
/// opened), detected from the Jinja <c>chat_template</c> a Hugging Face tokenizer_config.json carries.
/// The template is recognised, not executed: a template that is not ChatML is refused when the
/// tokenizer is loaded (<see cref="Detect"/>), so a model is never prompted in a format it was not tuned on.
/// </summary>
public sealed partial class ChatTemplate
{
    /// <summary>Ends an assistant turn in ChatML; generation stops on it.</summary>
    public const string ImEnd = "<|im_end|>";

    /// <summary>Opens a turn in ChatML.</summary>
    public const string ImStart = "<|im_start|>";

    private ChatTemplate(string name, string? defaultSystem)
    {
        Name = name;
        DefaultSystem = defaultSystem;
    }

    /// <summary>The tiny presets' own format: the prompt and a newline.</summary>
    public static ChatTemplate Plain { get; } = new("plain", null);

    /// <summary>ChatML with <paramref name="defaultSystem"/> as the system turn (none when null), as Qwen2's template writes it.</summary>
    public static ChatTemplate ChatMl(string? defaultSystem) => new("chatml", defaultSystem);

    /// <summary><c>plain</c> or <c>chatml</c>.</summary>
    public string Name { get; }

    /// <summary>The system message the template inserts when the conversation has none (Qwen2.5: "You are Qwen, created by Alibaba Cloud. …").</summary>
    public string? DefaultSystem { get; }

    /// <summary>The token that ends the assistant's response (<c>&lt;|im_end|&gt;</c>), or null when the tokenizer's end of text does.</summary>
    public string? EndOfTurn => Name == "chatml" ? ImEnd : null;

    /// <summary>The text the model is given for a one-turn conversation whose user message is <paramref name="prompt"/>.</summary>
    public string PromptText(string prompt)
    {
        if (Name == "plain") return prompt + "\n";
        var sb = new StringBuilder();
        if (DefaultSystem is not null) sb.Append(ImStart).Append("system\n").Append(DefaultSystem).Append(ImEnd).Append('\n');
        return sb.Append(ImStart).Append("user\n").Append(prompt).Append(ImEnd).Append('\n')
            .Append(ImStart).Append("assistant\n").ToString();
    }

    /// <summary>
    /// The text the model is given for a conversation of (role, content) turns (roles system, user, assistant), ending
    /// where the assistant's next turn begins. Plain: the contents joined by newlines, then a newline (one user turn is
    /// exactly <see cref="PromptText"/>). ChatML: each turn as <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;\n</c>, the
    /// default system turn first when the conversation has none, then the assistant's turn opened.
    /// </summary>
    public string ConversationText(IReadOnlyList<(string Role, string Content)> turns)
    {
        if (Name == "plain") return PromptText(string.Join("\n", turns.Select(t => t.Content)));
        var sb = new StringBuilder();
        if (DefaultSystem is not null && (turns.Count == 0 || turns[0].Role != "system"))
            sb.Append(ImStart).Append("system\n").Append(DefaultSystem).Append(ImEnd).Append('\n');
        foreach (var (role, content) in turns) sb.Append(ImStart).Append(role).Append('\n').Append(content).Append(ImEnd).Append('\n');
        return sb.Append(ImStart).Append("assistant\n").ToString();
    }

    /// <summary>
    /// The format a Jinja <paramref name="template"/> (from <paramref name="file"/>, named in errors) writes:
    /// none → <see cref="Plain"/>; ChatML (it emits <c>&lt;|im_start|&gt;</c>/<c>&lt;|im_end|&gt;</c> turns) →
    /// <see cref="ChatMl(string?)"/> with the default system message written literally in it; anything else
    /// throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static ChatTemplate Detect(string? template, string file)
    {
        if (string.IsNullOrWhiteSpace(template)) return Plain;
        if (template.Contains(ImStart, StringComparison.Ordinal) && template.Contains(ImEnd, StringComparison.Ordinal)
            && template.Contains("assistant", StringComparison.Ordinal))
        {
            var m = DefaultSystemLiteral().Match(template);
            return ChatMl(m.Success ? UnescapeJinja(m.Groups["text"].Value) : null);
        }
        var head = template.Length > 80 ? template[..80] + "…" : template;
        throw new InvalidDataException(
            $"{file}: chat_template is not one this platform knows (it recognises ChatML, the Qwen2 family's <|im_start|>/<|im_end|> turns); it begins \"{head.ReplaceLineEndings(" ")}\". " +
            "Prompts would not match the model's tuning. Use a model with a ChatML template, or delete chat_template (and chat_template.jinja) to prompt it in the plain format (prompt, newline).");
    }

    /// <summary>A Jinja string literal writing the whole default system turn: <c>'&lt;|im_start|&gt;system\nTEXT&lt;|im_end|&gt;\n'</c>.</summary>
    [GeneratedRegex(@"(?<q>['""])<\|im_start\|>system\\n(?<text>(?:(?!\k<q>)[^\\]|\\.)*?)<\|im_end\|>\\n\k<q>")]
    private static partial Regex DefaultSystemLiteral();

    private static string UnescapeJinja(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            char c = s[++i];
            sb.Append(c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => c });
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => DefaultSystem is null ? Name : $"{Name} (system: {DefaultSystem})";
}
