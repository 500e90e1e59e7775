namespace T1.Ml.Tokenization;

/// <summary>
/// Builds a tokenizer shaped like the Qwen2 family's — byte-level BPE with Qwen2's split pattern, an NFC
/// normalizer, the special tokens <c>&lt;|endoftext|&gt;</c>, <c>&lt;|im_start|&gt;</c>, <c>&lt;|im_end|&gt;</c>,
/// non-special added tokens (<c>&lt;tool_call&gt;</c>, the fill-in-the-middle markers) and a ChatML chat
/// template with Qwen2.5's default system message — from a corpus, without downloading anything. Its
/// <see cref="BpeTextTokenizer.Save"/> writes the files a Hugging Face Qwen2 folder has (tokenizer.json,
/// tokenizer_config.json, vocab.json, merges.txt), so tests and benchmarks exercise the loading path a real
/// Qwen2.5 checkpoint takes.
/// </summary>
public static class Qwen2StyleTokenizer
{
    /// <summary>Qwen2.5's id of <c>&lt;|endoftext|&gt;</c>, the first added token; its vocabulary is 151 643 BPE tokens.</summary>
    public const int QwenFirstAddedId = 151_643;

    /// <summary>Qwen2.5's default system message, written literally in its chat template.</summary>
    public const string DefaultSystem = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    /// <summary>A ChatML template in the Qwen2.5 manner: the default system turn unless the conversation has one, each turn, then the opened assistant turn.</summary>
    public const string ChatTemplateText =
        "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}" +
        "{%- else %}{{- '<|im_start|>system\\n" + DefaultSystem + "<|im_end|>\\n' }}{%- endif %}" +
        "{%- for message in messages %}{%- if not (message['role'] == 'system' and loop.first) %}" +
        "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endif %}{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /// <summary>The special added tokens, in id order from the first added id.</summary>
    public static readonly string[] SpecialAdded = [SpecialTokens.EndOfText, ChatTemplate.ImStart, ChatTemplate.ImEnd];

    /// <summary>Non-special added tokens (Qwen2.5 marks these <c>"special": false</c>): single ids that decoding with skipSpecialTokens keeps.</summary>
    public static readonly string[] OrdinaryAdded = ["<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"];

    /// <summary>
    /// Learns up to <paramref name="bpeVocabSize"/> byte/merge tokens from <paramref name="corpus"/> and puts
    /// the added tokens at <paramref name="firstAddedId"/> on (default: right after the BPE vocabulary;
    /// <see cref="QwenFirstAddedId"/> gives Qwen2.5's ids, for a model of vocabulary 151 936). The
    /// platform's <c>&lt;think&gt;</c>/<c>&lt;/think&gt;</c> follow at the next free ids, as when a real Qwen2.5
    /// tokenizer is loaded.
    /// </summary>
    public static BpeTextTokenizer Create(IEnumerable<string> corpus, int bpeVocabSize = 1024, int? firstAddedId = null, int minPairCount = 2)
    {
        if (bpeVocabSize < 256) throw new ArgumentOutOfRangeException(nameof(bpeVocabSize), bpeVocabSize, "bpeVocabSize must be at least 256 (the byte tokens).");
        string[] all = [.. SpecialAdded, .. OrdinaryAdded, SpecialTokens.ThinkStart, SpecialTokens.ThinkEnd];
        var normalized = corpus.Select(TextNormalizer.Nfc.Apply);
        var (vocab, merges) = BpeTrainer.Learn(normalized, bpeVocabSize, minPairCount, all);
        int first = firstAddedId ?? vocab.Count;
        if (first < vocab.Count) throw new ArgumentOutOfRangeException(nameof(firstAddedId), first, $"firstAddedId must be at least the BPE vocabulary size {vocab.Count}.");
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in SpecialAdded.Concat(OrdinaryAdded)) added[token] = first + added.Count;
        var extras = new TokenizerExtras
        {
            Normalizer = TextNormalizer.Nfc,
            OrdinaryAddedTokens = OrdinaryAdded,
            ChatTemplateSource = ChatTemplateText,
            Chat = ChatTemplate.Detect(ChatTemplateText, nameof(Qwen2StyleTokenizer)),
        };
        return new BpeTextTokenizer(vocab, merges, added, ChatTemplate.ImEnd, SpecialTokens.EndOfText, ByteLevel.Qwen2Pattern, extras);
    }
}
