using T1.Ml.Tokenization;

namespace T1.Ml.Tests.Tokenization;

public sealed class ChatTemplateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("t1-chat-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void QwenTokenizer_PromptsInChatMl_WithTheDefaultSystemTurn_AndEndsResponsesWithImEnd()
    {
        var tok = Qwen2StyleTokenizer.Create(Qwen2StyleTokenizerTests.Corpus, bpeVocabSize: 300);
        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
            ChatFormat.PromptText(tok, "What is 2+2?"));
        var (ids, promptLength) = ChatFormat.EncodeExample(tok, "What is 2+2?", "<think>2+2=4</think>\nFinal answer: \\boxed{4}");
        Assert.Equal(tok.TokenToId("<|im_start|>"), ids[0]);
        Assert.Equal(tok.TokenToId("<|im_end|>"), ids[^1]);
        Assert.Equal(ChatFormat.EncodePrompt(tok, "What is 2+2?"), ids[..promptLength]);
        Assert.Equal(tok.Special.ThinkStart, ids[promptLength]);
    }

    [Fact]
    public void PresetTokenizer_KeepsThePlainFormat()
    {
        var tok = BpeTrainer.Train(BpeTextTokenizerTests.Corpus, vocabSize: 300);
        Assert.Same(ChatTemplate.Plain, tok.Chat);
        Assert.Equal("Solve x.\n", ChatFormat.PromptText(tok, "Solve x."));
        Assert.Equal(tok.Encode("Solve x.\n"), ChatFormat.EncodePrompt(tok, "Solve x."));
        var (ids, _) = ChatFormat.EncodeExample(tok, "Solve x.", "ok");
        Assert.Equal(tok.TokenToId("<|endoftext|>"), ids[^1]);
    }

    [Theory]
    [InlineData("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}", null)]
    [InlineData("{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{ '<|im_start|>assistant\\n' }}", "You are a helpful assistant.")]
    [InlineData("{{- \"<|im_start|>system\\nPlease reason step by step, and put your final answer within \\\\boxed{}.<|im_end|>\\n\" }}{{ '<|im_start|>assistant\\n' }}", "Please reason step by step, and put your final answer within \\boxed{}.")]
    public void ChatMlTemplates_AreRecognised_WithTheirLiteralDefaultSystemMessage(string template, string? system)
    {
        var chat = ChatTemplate.Detect(template, "tokenizer_config.json");
        Assert.Equal("chatml", chat.Name);
        Assert.Equal(system, chat.DefaultSystem);
    }

    [Fact]
    public void UnknownTemplate_IsRefusedWhenTheTokenizerLoads_NamingTheFile()
    {
        Qwen2StyleTokenizer.Create(Qwen2StyleTokenizerTests.Corpus, bpeVocabSize: 300).Save(_dir);
        var config = Path.Combine(_dir, "tokenizer_config.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!;
        node["chat_template"] = "{% for m in messages %}<｜User｜>{{ m['content'] }}<｜Assistant｜>{% endfor %}";
        File.WriteAllText(config, node.ToJsonString());
        var ex = Assert.Throws<InvalidDataException>(() => BpeTextTokenizer.Load(_dir));
        Assert.Equal(
            $"{config}: chat_template is not one this platform knows (it recognises ChatML, the Qwen2 family's <|im_start|>/<|im_end|> turns); it begins \"{{% for m in messages %}}<｜User｜>{{{{ m['content'] }}}}<｜Assistant｜>{{% endfor %}}\". " +
            "Prompts would not match the model's tuning. Use a model with a ChatML template, or delete chat_template (and chat_template.jinja) to prompt it in the plain format (prompt, newline).",
            ex.Message);
    }

    [Fact]
    public void TemplateInChatTemplateJinja_IsUsedWhenTheConfigHasNone()
    {
        Qwen2StyleTokenizer.Create(Qwen2StyleTokenizerTests.Corpus, bpeVocabSize: 300).Save(_dir);
        var config = Path.Combine(_dir, "tokenizer_config.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        node.Remove("chat_template");
        File.WriteAllText(config, node.ToJsonString());
        Assert.Same(ChatTemplate.Plain, BpeTextTokenizer.Load(_dir).Chat);
        File.WriteAllText(Path.Combine(_dir, "chat_template.jinja"), Qwen2StyleTokenizer.ChatTemplateText);
        var tok = BpeTextTokenizer.Load(_dir);
        Assert.Equal("chatml", tok.Chat.Name);
        Assert.Equal(Qwen2StyleTokenizer.DefaultSystem, tok.Chat.DefaultSystem);
    }
}
