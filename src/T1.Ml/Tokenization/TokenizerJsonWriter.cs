using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Ml.Tokenization;

/// <summary>
/// A byte-level BPE tokenizer as a Hugging Face <c>tokenizer.json</c> (the fast tokenizer's one file):
/// added tokens with their special flag, the normalizer, the Split + ByteLevel pre-tokenizer, the
/// ByteLevel decoder and the BPE model, laid out as the Qwen2 family's file is.
/// </summary>
internal static class TokenizerJsonWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(BpeTextTokenizer tokenizer, IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges)
    {
        var added = new JsonArray();
        foreach (var (token, id) in tokenizer.AddedTokens.OrderBy(kv => kv.Value))
        {
            added.Add(AddedToken(token, id, tokenizer.IsSpecial(token), withId: true));
        }
        var vocabNode = new JsonObject();
        foreach (var (token, id) in vocab.OrderBy(kv => kv.Value)) vocabNode[token] = id;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = tokenizer.Normalizer.ToJson(),
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = tokenizer.Pattern },
                        ["behavior"] = "Isolated", ["invert"] = false,
                    },
                    ByteLevelNode()),
            },
            ["post_processor"] = ByteLevelNode(),
            ["decoder"] = ByteLevelNode(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "", ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocabNode,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create(m.Left + " " + m.Right)).ToArray()),
            },
        };
        return root.ToJsonString(Options);
    }

    /// <summary>One added-token entry (tokenizer.json's <c>added_tokens</c>, or tokenizer_config.json's <c>added_tokens_decoder</c> without the id).</summary>
    public static JsonObject AddedToken(string content, int id, bool special, bool withId)
    {
        var o = new JsonObject();
        if (withId) o["id"] = id;
        o["content"] = content;
        o["single_word"] = false;
        o["lstrip"] = false;
        o["rstrip"] = false;
        o["normalized"] = false;
        o["special"] = special;
        return o;
    }

    private static JsonObject ByteLevelNode() => new()
    {
        ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false,
    };
}
