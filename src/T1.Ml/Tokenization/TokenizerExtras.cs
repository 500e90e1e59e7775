namespace T1.Ml.Tokenization;

/// <summary>What a Hugging Face tokenizer folder adds to vocabulary and merges: normalizer, non-special added tokens, chat template.</summary>
internal sealed record TokenizerExtras
{
    /// <summary>tokenizer.json's normalizer.</summary>
    public TextNormalizer Normalizer { get; init; } = TextNormalizer.None;

    /// <summary>Added tokens marked <c>"special": false</c>: one id each, but kept by <c>skipSpecialTokens</c>.</summary>
    public IReadOnlyCollection<string> OrdinaryAddedTokens { get; init; } = [];

    /// <summary>The prompt format, detected from <see cref="ChatTemplateSource"/>.</summary>
    public ChatTemplate Chat { get; init; } = ChatTemplate.Plain;

    /// <summary>The Jinja chat template as found in the folder, or null.</summary>
    public string? ChatTemplateSource { get; init; }
}
