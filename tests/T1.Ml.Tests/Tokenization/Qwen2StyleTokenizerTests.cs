using System.Text;
using System.Text.Json.Nodes;
using T1.Ml.Tokenization;

namespace T1.Ml.Tests.Tokenization;

/// <summary>A Qwen2-family tokenizer written to files (tokenizer.json with NFC, tokenizer_config.json with ChatML) and loaded back.</summary>
public sealed class Qwen2StyleTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("t1-qwentok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static readonly string[] Corpus =
    [
        .. BpeTextTokenizerTests.Corpus,
        "Café crème, naïve résumé: déjà vu. 数学 is math. Ünïcödé ça va.",
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
    ];

    private BpeTextTokenizer SavedAndLoaded()
    {
        Qwen2StyleTokenizer.Create(Corpus, bpeVocabSize: 400).Save(_dir);
        return BpeTextTokenizer.Load(_dir);
    }

    [Fact]
    public void Files_AreThoseOfAQwen2Folder_AndLoadBackWithNfcChatMlAndTheSameIds()
    {
        var made = Qwen2StyleTokenizer.Create(Corpus, bpeVocabSize: 400);
        made.Save(_dir);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "tokenizer.json")))!;
        Assert.Equal("NFC", (string?)root["normalizer"]!["type"]);
        Assert.Equal("BPE", (string?)root["model"]!["type"]);
        var toolCall = root["added_tokens"]!.AsArray().Single(t => (string?)t!["content"] == "<tool_call>")!;
        Assert.False((bool)toolCall["special"]!);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "tokenizer_config.json")))!;
        Assert.Equal(Qwen2StyleTokenizer.ChatTemplateText, (string?)config["chat_template"]);
        Assert.Equal("<|im_end|>", (string?)config["eos_token"]);

        var tok = BpeTextTokenizer.Load(_dir);
        Assert.Equal("chatml", tok.Chat.Name);
        Assert.Equal(Qwen2StyleTokenizer.DefaultSystem, tok.Chat.DefaultSystem);
        Assert.Equal(new[] { "NFC" }, tok.Normalizer.Steps);
        Assert.Equal(made.Special, tok.Special);
        Assert.Equal(tok.TokenToId("<|im_end|>"), tok.Special.EndOfText);
        Assert.Equal(tok.TokenToId("<|endoftext|>"), tok.Special.Pad);
        foreach (var text in Corpus) Assert.Equal(made.Encode(text), tok.Encode(text));
    }

    [Fact]
    public void QwenIds_PutTheAddedTokensWhereQwen25HasThem()
    {
        var tok = Qwen2StyleTokenizer.Create(Corpus, bpeVocabSize: 300, firstAddedId: Qwen2StyleTokenizer.QwenFirstAddedId);
        Assert.Equal(151_643, tok.TokenToId("<|endoftext|>"));
        Assert.Equal(151_644, tok.TokenToId("<|im_start|>"));
        Assert.Equal(151_645, tok.TokenToId("<|im_end|>"));
        Assert.Equal(151_651, tok.Special.ThinkStart); // <think>, </think> follow the 8 added tokens
        Assert.Equal(151_652, tok.Special.ThinkEnd);
        Assert.Equal(151_653, tok.VocabSize);         // fits Qwen2.5's vocab_size 151 936
    }

    [Fact]
    public void Nfc_DecomposedInputEncodesAsComposed_AndNormalizedTextRoundTripsExactly()
    {
        var tok = SavedAndLoaded();
        const string composed = "café naïve Ünïcödé";
        var decomposed = composed.Normalize(NormalizationForm.FormD);
        Assert.NotEqual(composed, decomposed);
        Assert.Equal(tok.Encode(composed), tok.Encode(decomposed));
        Assert.Equal(composed, tok.Decode(tok.Encode(decomposed)));
        string[] texts =
        [
            "", " ", "a  b   c\n\n\nd\r\n", "1234567890 + 0.5", "\\frac{1}{3} $\\alpha_{i,j}$",
            "tabs\tand\u00a0nbsp, unicode: naïve café 数学 🙂", "Å (U+00C5) and Ω", "never seen: zebra quokka ZZZ!!!",
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>ok</think>", "<tool_call>{\"x\": 1}</tool_call>",
        ];
        foreach (var text in texts)
        {
            Assert.Equal(text.Normalize(NormalizationForm.FormC), text); // the round trip is exact for normalized text
            Assert.Equal(text, tok.Decode(tok.Encode(text)));
        }
    }

    [Fact]
    public void NonSpecialAddedTokens_AreSingleIds_AndKeptWhenSpecialTokensAreSkipped()
    {
        var tok = SavedAndLoaded();
        var ids = tok.Encode("<|im_start|>a<tool_call>b</tool_call><|im_end|>");
        Assert.Equal(tok.TokenToId("<|im_start|>"), ids[0]);
        Assert.Contains(tok.TokenToId("<tool_call>")!.Value, ids);
        Assert.Contains(tok.TokenToId("</tool_call>")!.Value, ids);
        Assert.Equal("a<tool_call>b</tool_call>", tok.Decode(ids, skipSpecialTokens: true));
        Assert.False(tok.IsSpecial("<tool_call>"));
        Assert.True(tok.IsSpecial("<|im_end|>"));
    }

    [Fact]
    public void UnsupportedNormalizer_IsRefused_NamingTheFileAndType()
    {
        Qwen2StyleTokenizer.Create(Corpus, bpeVocabSize: 300).Save(_dir);
        var path = Path.Combine(_dir, "tokenizer.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        root["normalizer"] = new JsonObject { ["type"] = "Sequence", ["normalizers"] = new JsonArray(new JsonObject { ["type"] = "NFC" }, new JsonObject { ["type"] = "Lowercase" }) };
        File.WriteAllText(path, root.ToJsonString());
        var ex = Assert.Throws<InvalidDataException>(() => BpeTextTokenizer.Load(_dir));
        Assert.Equal($"{path}: normalizer 'Lowercase' is not supported; this platform applies NFC, NFD, NFKC and NFKD (alone or in a Sequence), as the Qwen2 family uses. Encoding without it would not match the model's training.", ex.Message);
    }

    [Fact]
    public void AddedTokenThatStrips_IsRefused()
    {
        Qwen2StyleTokenizer.Create(Corpus, bpeVocabSize: 300).Save(_dir);
        var path = Path.Combine(_dir, "tokenizer.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        root["added_tokens"]![0]!["lstrip"] = true;
        File.WriteAllText(path, root.ToJsonString());
        var ex = Assert.Throws<InvalidDataException>(() => BpeTextTokenizer.Load(_dir));
        Assert.Equal($"{path}: added token '<|endoftext|>' has lstrip: true, which this platform does not implement; encoding would differ from Hugging Face's.", ex.Message);
    }
}
