using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace T1.Ml.Tokenization;

/// <summary>
/// Byte-level BPE tokenizer (Qwen2 / GPT-2 family) on top of Microsoft.ML.Tokenizers, loaded from a
/// Hugging Face folder (<c>tokenizer.json</c>, or <c>vocab.json</c> + <c>merges.txt</c> with
/// <c>tokenizer_config.json</c>) or built by <see cref="BpeTrainer"/>. The pre-tokenizer is always
/// explicit (the library's default drops spaces and newlines), so round trips are exact; the file's
/// normalizer (NFC for Qwen2) is applied before encoding. Added tokens, special or not, encode to their
/// single ids as in Hugging Face; only special ones are left out by <c>skipSpecialTokens</c>.
/// </summary>
public sealed class BpeTextTokenizer : ITextTokenizer
{
    private readonly Dictionary<string, int> _vocab;
    private readonly List<(string Left, string Right)> _merges;
    private readonly Dictionary<string, int> _added;
    private readonly HashSet<string> _ordinaryAdded;
    private readonly HashSet<int> _specialIds;
    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<string, int> _tokenToId;

    internal BpeTextTokenizer(
        Dictionary<string, int> vocab,
        List<(string Left, string Right)> merges,
        Dictionary<string, int> added,
        string endOfText,
        string pad,
        string? pattern = null,
        TokenizerExtras? extras = null)
    {
        extras ??= new TokenizerExtras();
        _vocab = vocab;
        _merges = merges;
        _added = new Dictionary<string, int>(added, StringComparer.Ordinal);
        _ordinaryAdded = new HashSet<string>(extras.OrdinaryAddedTokens.Where(_added.ContainsKey), StringComparer.Ordinal);
        int next = Math.Max(_vocab.Values.DefaultIfEmpty(-1).Max(), _added.Values.DefaultIfEmpty(-1).Max()) + 1;
        // A loaded tokenizer that lacks a platform token gets it at the next free id
        // (Qwen2 checkpoints pad vocab_size beyond the tokenizer, so the id usually fits the model).
        foreach (var token in new[] { endOfText, pad, SpecialTokens.ThinkStart, SpecialTokens.ThinkEnd })
        {
            if (!_added.ContainsKey(token) && !_vocab.ContainsKey(token)) _added[token] = next++;
        }
        _tokenToId = new Dictionary<string, int>(_vocab, StringComparer.Ordinal);
        foreach (var (token, id) in _added) _tokenToId[token] = id;
        _specialIds = _added.Where(kv => !_ordinaryAdded.Contains(kv.Key)).Select(kv => kv.Value).ToHashSet();
        VocabSize = _tokenToId.Values.Max() + 1;
        Chat = extras.Chat;
        ChatTemplateSource = extras.ChatTemplateSource;
        Normalizer = extras.Normalizer;
        // A ChatML model's response ends its turn with <|im_end|>: that is the end of text generation stops on.
        if (Chat.EndOfTurn is { } endOfTurn && _tokenToId.ContainsKey(endOfTurn)) endOfText = endOfTurn;
        Special = new SpecialTokenIds(_tokenToId[endOfText], _tokenToId[pad],
            _tokenToId[SpecialTokens.ThinkStart], _tokenToId[SpecialTokens.ThinkEnd]);
        EndOfTextToken = endOfText;
        PadToken = pad;
        Pattern = pattern ?? ByteLevel.Qwen2Pattern;
        var regex = pattern is null ? ByteLevel.Qwen2Regex() : new Regex(pattern, RegexOptions.Compiled);
        _bpe = BpeTokenizer.Create(new BpeOptions(_vocab.Select(kv => new KeyValuePair<string, int>(kv.Key, kv.Value)))
        {
            Merges = _merges.Select(m => m.Left + " " + m.Right),
            SpecialTokens = _added,
            PreTokenizer = new RegexPreTokenizer(regex, _added),
            ByteLevel = true,
        });
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public SpecialTokenIds Special { get; }

    /// <inheritdoc />
    public ChatTemplate Chat { get; }

    /// <summary>The Jinja chat template of the tokenizer_config.json it was loaded from (saved back unchanged), or null.</summary>
    public string? ChatTemplateSource { get; }

    /// <summary>What is applied to text before encoding (tokenizer.json's normalizer).</summary>
    public TextNormalizer Normalizer { get; }

    /// <summary>The pre-tokenizer's split pattern.</summary>
    public string Pattern { get; }

    /// <summary>The end-of-text token string (e.g. <c>&lt;|endoftext|&gt;</c>, or <c>&lt;|im_end|&gt;</c> for ChatML).</summary>
    public string EndOfTextToken { get; }

    /// <summary>The padding token string.</summary>
    public string PadToken { get; }

    /// <summary>Added tokens (special or not) and their ids.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens => _added;

    /// <summary>Whether the added token <paramref name="token"/> is special (left out by <c>skipSpecialTokens</c>).</summary>
    public bool IsSpecial(string token) => _added.ContainsKey(token) && !_ordinaryAdded.Contains(token);

    /// <summary>Number of BPE merges.</summary>
    public int MergeCount => _merges.Count;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _bpe.EncodeToIds(Normalizer.Apply(text));

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var list = skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)).ToList() : ids.ToList();
        return _bpe.Decode(list, considerSpecialTokens: true);
    }

    /// <inheritdoc />
    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    /// <summary>
    /// Loads a tokenizer from <paramref name="directory"/>: <c>tokenizer.json</c> when present,
    /// else <c>vocab.json</c> + <c>merges.txt</c> (added tokens from <c>tokenizer_config.json</c>).
    /// </summary>
    public static BpeTextTokenizer Load(string directory) => BpeTokenizerFiles.Load(directory);

    /// <inheritdoc />
    public void Save(string directory) => BpeTokenizerFiles.Save(this, _vocab, _merges, directory);
}
