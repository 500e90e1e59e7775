using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Ml.Tokenization;

/// <summary>Hugging Face tokenizer files ↔ <see cref="BpeTextTokenizer"/>.</summary>
internal static class BpeTokenizerFiles
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static BpeTextTokenizer Load(string directory)
    {
        var tokenizerJson = Path.Combine(directory, "tokenizer.json");
        var vocabJson = Path.Combine(directory, "vocab.json");
        var mergesTxt = Path.Combine(directory, "merges.txt");
        var config = ReadConfig(Path.Combine(directory, "tokenizer_config.json"));
        Dictionary<string, int> vocab;
        List<(string, string)> merges;
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        string? pattern = null;
        if (File.Exists(tokenizerJson))
        {
            var root = JsonNode.Parse(File.ReadAllText(tokenizerJson))
                ?? throw new InvalidDataException($"{tokenizerJson} is empty.");
            var model = root["model"] ?? throw new InvalidDataException($"{tokenizerJson} has no 'model'.");
            var type = (string?)model["type"];
            if (type is not null && type != "BPE")
            {
                throw new InvalidDataException($"{tokenizerJson}: model type '{type}' is not supported; only byte-level BPE (Qwen2, GPT-2 family) is.");
            }
            vocab = model["vocab"]!.AsObject().ToDictionary(kv => kv.Key, kv => (int)kv.Value!, StringComparer.Ordinal);
            merges = model["merges"]!.AsArray().Select(ParseMerge).ToList();
            foreach (var t in root["added_tokens"]?.AsArray() ?? [])
            {
                added[(string)t!["content"]!] = (int)t["id"]!;
            }
            pattern = FindSplitPattern(root["pre_tokenizer"]);
        }
        else if (File.Exists(vocabJson) && File.Exists(mergesTxt))
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))
                ?? throw new InvalidDataException($"{vocabJson} is empty.");
            merges = File.ReadLines(mergesTxt)
                .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
                .Select(l => ParseMerge(JsonValue.Create(l))).ToList();
        }
        else
        {
            throw new FileNotFoundException(
                $"No tokenizer in '{directory}': expected tokenizer.json, or vocab.json and merges.txt.");
        }
        foreach (var (id, entry) in config?["added_tokens_decoder"]?.AsObject() ?? [])
        {
            added.TryAdd((string)entry!["content"]!, int.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
        }
        string eos = TokenText(config?["eos_token"]) ?? SpecialTokens.EndOfText;
        if (!added.ContainsKey(eos) && !vocab.ContainsKey(eos)) eos = SpecialTokens.EndOfText;
        string pad = TokenText(config?["pad_token"]) ?? eos;
        return new BpeTextTokenizer(vocab, merges, added, eos, pad, pattern);
    }

    public static void Save(BpeTextTokenizer tokenizer, Dictionary<string, int> vocab,
        List<(string Left, string Right)> merges, string directory)
    {
        Directory.CreateDirectory(directory);
        var ordered = vocab.OrderBy(kv => kv.Value).ToDictionary(kv => kv.Key, kv => kv.Value);
        File.WriteAllText(Path.Combine(directory, "vocab.json"), JsonSerializer.Serialize(ordered, Pretty), Encoding.UTF8);
        var sb = new StringBuilder("#version: 0.2\n");
        foreach (var (l, r) in merges) sb.Append(l).Append(' ').Append(r).Append('\n');
        File.WriteAllText(Path.Combine(directory, "merges.txt"), sb.ToString(), Encoding.UTF8);
        var decoder = new JsonObject();
        foreach (var (token, id) in tokenizer.AddedTokens.OrderBy(kv => kv.Value))
        {
            decoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = token, ["lstrip"] = false, ["normalized"] = false,
                ["rstrip"] = false, ["single_word"] = false, ["special"] = true,
            };
        }
        var config = new JsonObject
        {
            ["tokenizer_class"] = "Qwen2Tokenizer",
            ["added_tokens_decoder"] = decoder,
            ["eos_token"] = tokenizer.EndOfTextToken,
            ["pad_token"] = tokenizer.PadToken,
            ["bos_token"] = null,
            ["unk_token"] = null,
            ["clean_up_tokenization_spaces"] = false,
            ["model_max_length"] = 32768,
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(Pretty), Encoding.UTF8);
    }

    private static JsonNode? ReadConfig(string path) =>
        File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;

    private static string? TokenText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v => (string?)v,
        JsonObject o => (string?)o["content"],
        _ => null,
    };

    private static (string, string) ParseMerge(JsonNode? node)
    {
        if (node is JsonArray pair && pair.Count == 2)
        {
            return ((string)pair[0]!, (string)pair[1]!);
        }
        var s = (string)node!;
        int space = s.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == s.Length - 1)
        {
            throw new InvalidDataException($"Bad merge '{s}': expected two tokens separated by one space.");
        }
        return (s[..space], s[(space + 1)..]);
    }

    private static string? FindSplitPattern(JsonNode? pre)
    {
        if (pre is null) return null;
        if ((string?)pre["type"] == "Split") return (string?)pre["pattern"]?["Regex"];
        foreach (var p in pre["pretokenizers"]?.AsArray() ?? [])
        {
            var found = FindSplitPattern(p);
            if (found is not null) return found;
        }
        return null;
    }
}
