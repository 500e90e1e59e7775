namespace T1.Ml.Tokenization;

/// <summary>
/// What the model, trainers and the sampler need from a tokenizer. Implementations guarantee an
/// exact round trip of normalized text: <c>Decode(Encode(text)) == text</c> for any string that is already
/// in the tokenizer's normal form (NFC for Qwen2; every string when it has no normalizer), spaces,
/// newlines, digits, LaTeX and non-ASCII included; added-token strings in the text map to their single ids.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>One more than the largest token id; the model's vocabulary must be at least this big.</summary>
    int VocabSize { get; }

    /// <summary>Ids of the special tokens the platform relies on.</summary>
    SpecialTokenIds Special { get; }

    /// <summary>Token ids of <paramref name="text"/>; no end-of-text or other token is added.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Text of <paramref name="ids"/>; with <paramref name="skipSpecialTokens"/> special tokens are left out.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    /// <summary>How prompts are wrapped for this tokenizer's model (ChatML for the Qwen2 family, plain for the presets).</summary>
    ChatTemplate Chat => ChatTemplate.Plain;

    /// <summary>The id of one whole token string (special or ordinary), or null when it is not one token.</summary>
    int? TokenToId(string token);

    /// <summary>Writes the files that load this tokenizer back (tokenizer.json, vocab.json, merges.txt, tokenizer_config.json) into <paramref name="directory"/>.</summary>
    void Save(string directory);
}

/// <summary>Ids of the special tokens: end of text, padding, and the thinking delimiters.</summary>
/// <param name="EndOfText">Ends a document or a response; generation stops on it.</param>
/// <param name="Pad">Fills batches; never a training target. May equal <paramref name="EndOfText"/> (as in Qwen2).</param>
/// <param name="ThinkStart">Opens the reasoning part of a response (<c>&lt;think&gt;</c>).</param>
/// <param name="ThinkEnd">Closes the reasoning part (<c>&lt;/think&gt;</c>).</param>
public sealed record SpecialTokenIds(int EndOfText, int Pad, int ThinkStart, int ThinkEnd);

/// <summary>The strings of the special tokens the platform uses.</summary>
public static class SpecialTokens
{
    /// <summary>End of text, as in Qwen2 and GPT-2.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Padding for tokenizers the platform trains (Qwen2 pads with end of text).</summary>
    public const string Pad = "<|pad|>";

    /// <summary>Opens the reasoning part of a response.</summary>
    public const string ThinkStart = "<think>";

    /// <summary>Closes the reasoning part of a response.</summary>
    public const string ThinkEnd = "</think>";
}
