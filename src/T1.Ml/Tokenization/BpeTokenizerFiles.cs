using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T1.Ml.Tokenization;

/// <summary>Hugging Face tokenizer files ↔ <see cref="BpeTextTokenizer"/>.</summary>
internal static class BpeTokenizerFiles
{
    public const string TokenizerJson = "tokenizer.json";
    public const string TokenizerConfigJson = "tokenizer_config.json";
    public const string ChatTemplateJinja = "chat_template.jinja";

    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static BpeTextTokenizer Load(string directory)
    {
        var tokenizerJson = Path.Combine(directory, TokenizerJson);
        var vocabJson = Path.Combine(directory, "vocab.json");
        var mergesTxt = Path.Combine(directory, "merges.txt");
        var configPath = Path.Combine(directory, TokenizerConfigJson);
        var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath)) : null;
        Dictionary<string, int> vocab;
        List<(string, string)> merges;
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var ordinary = new HashSet<string>(StringComparer.Ordinal);
        var normalizer = TextNormalizer.None;
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
                var content = (string)t!["content"]!;
                CheckAddedToken(t, content, tokenizerJson);
                added[content] = (int)t["id"]!;
                if ((bool?)t["special"] == false) ordinary.Add(content);
            }
            normalizer = TextNormalizer.FromJson(root["normalizer"], tokenizerJson);
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
            var content = (string)entry!["content"]!;
            CheckAddedToken(entry, content, configPath);
            if (added.TryAdd(content, int.Parse(id, CultureInfo.InvariantCulture)) && (bool?)entry["special"] == false) ordinary.Add(content);
        }
        var (template, templateFile) = ReadChatTemplate(directory, config, configPath);
        var extras = new TokenizerExtras
        {
            Normalizer = normalizer,
            OrdinaryAddedTokens = ordinary,
            ChatTemplateSource = template,
            Chat = ChatTemplate.Detect(template, templateFile),
        };
        if (extras.Chat.EndOfTurn is { } endOfTurn && !added.ContainsKey(endOfTurn) && !vocab.ContainsKey(endOfTurn))
            throw new InvalidDataException($"{templateFile}: the chat template is ChatML but the tokenizer has no {endOfTurn} token.");
        string eos = TokenText(config?["eos_token"]) ?? SpecialTokens.EndOfText;
        if (!added.ContainsKey(eos) && !vocab.ContainsKey(eos)) eos = SpecialTokens.EndOfText;
        string pad = TokenText(config?["pad_token"]) ?? eos;
        return new BpeTextTokenizer(vocab, merges, added, eos, pad, pattern, extras);
    }

    /// <summary>
    /// Writes tokenizer.json (what Hugging Face's fast tokenizer and <see cref="Load"/> read, normalizer
    /// included), vocab.json + merges.txt (the slow tokenizer's files) and tokenizer_config.json (special
    /// tokens, and the chat template when the tokenizer has one).
    /// </summary>
    public static void Save(BpeTextTokenizer tokenizer, Dictionary<string, int> vocab,
        List<(string Left, string Right)> merges, string directory)
    {
        Directory.CreateDirectory(directory);
        var ordered = vocab.OrderBy(kv => kv.Value).ToDictionary(kv => kv.Key, kv => kv.Value);
        File.WriteAllText(Path.Combine(directory, "vocab.json"), JsonSerializer.Serialize(ordered, Pretty), Encoding.UTF8);
        var sb = new StringBuilder("#version: 0.2\n");
        foreach (var (l, r) in merges) sb.Append(l).Append(' ').Append(r).Append('\n');
        File.WriteAllText(Path.Combine(directory, "merges.txt"), sb.ToString(), Encoding.UTF8);
        File.WriteAllText(Path.Combine(directory, TokenizerJson), TokenizerJsonWriter.Write(tokenizer, ordered, merges), Encoding.UTF8);
        var decoder = new JsonObject();
        foreach (var (token, id) in tokenizer.AddedTokens.OrderBy(kv => kv.Value))
        {
            decoder[id.ToString(CultureInfo.InvariantCulture)] = TokenizerJsonWriter.AddedToken(token, id, tokenizer.IsSpecial(token), withId: false);
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
        if (tokenizer.ChatTemplateSource is { } template) config["chat_template"] = template;
        File.WriteAllText(Path.Combine(directory, TokenizerConfigJson), config.ToJsonString(Pretty), Encoding.UTF8);
    }

    /// <summary>The chat template: tokenizer_config.json's <c>chat_template</c> (a string, or a list of named ones: "default"), else chat_template.jinja.</summary>
    private static (string? Template, string File) ReadChatTemplate(string directory, JsonNode? config, string configPath)
    {
        switch (config?["chat_template"])
        {
            case JsonValue v:
                return ((string?)v, configPath);
            case JsonArray named:
                var entry = named.FirstOrDefault(n => (string?)n?["name"] == "default") ?? named.FirstOrDefault();
                return ((string?)entry?["template"], configPath);
        }
        var jinja = Path.Combine(directory, ChatTemplateJinja);
        return File.Exists(jinja) ? (File.ReadAllText(jinja), jinja) : (null, configPath);
    }

    /// <summary>Added tokens are matched in the text exactly; the flags that would strip or restrict them are refused.</summary>
    private static void CheckAddedToken(JsonNode entry, string content, string file)
    {
        foreach (var flag in new[] { "lstrip", "rstrip", "single_word" })
        {
            if ((bool?)entry[flag] == true)
                throw new InvalidDataException($"{file}: added token '{content}' has {flag}: true, which this platform does not implement; encoding would differ from Hugging Face's.");
        }
    }

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
