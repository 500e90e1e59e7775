using System.Text.Json.Nodes;
using T1.Ml.Tokenization;

namespace T1.Ml.Tests.Tokenization;

public class HfTokenizerLoadTests
{
    /// <summary>
    /// Writes a Qwen2-style tokenizer.json (merges as pairs, the newer HF layout; added tokens with
    /// ids past the vocabulary; a Split pre-tokenizer followed by ByteLevel) from a trained tokenizer.
    /// </summary>
    private static string WriteQwen2StyleFolder(BpeTextTokenizer source)
    {
        var dir = Path.Combine(Path.GetTempPath(), "t1-hf-" + Guid.NewGuid().ToString("N"));
        source.Save(dir);
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "vocab.json")))!.AsObject();
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(Path.Combine(dir, "merges.txt")).Skip(1))
        {
            var parts = line.Split(' ');
            merges.Add(new JsonArray(parts[0], parts[1]));
        }
        int next = vocab.Count;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = next, ["content"] = "<|endoftext|>", ["special"] = true },
                new JsonObject { ["id"] = next + 1, ["content"] = "<|im_start|>", ["special"] = true },
                new JsonObject { ["id"] = next + 2, ["content"] = "<|im_end|>", ["special"] = true }),
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = ByteLevel.Qwen2Pattern } },
                    new JsonObject { ["type"] = "ByteLevel", ["use_regex"] = false }),
            },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab.DeepClone(), ["merges"] = merges },
        };
        foreach (var f in Directory.GetFiles(dir)) File.Delete(f);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), root.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            """{"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "tokenizer_class": "Qwen2Tokenizer"}""");
        return dir;
    }

    [Fact]
    public void TokenizerJson_LoadsVocabMergesAndAddedTokens_AndAppendsMissingThinkTokens()
    {
        var trained = BpeTrainer.Train(BpeTextTokenizerTests.Corpus, vocabSize: 300);
        var dir = WriteQwen2StyleFolder(trained);
        try
        {
            var tok = BpeTextTokenizer.Load(dir);
            int baseCount = trained.VocabSize - 4;
            Assert.Equal(baseCount + 2, tok.Special.EndOfText); // eos_token <|im_end|>
            Assert.Equal(baseCount, tok.Special.Pad);           // pad_token <|endoftext|>
            Assert.Equal(baseCount + 3, tok.Special.ThinkStart); // not in the file: next free ids
            Assert.Equal(baseCount + 4, tok.Special.ThinkEnd);
            Assert.Equal(baseCount + 5, tok.VocabSize);
            const string text = "Problem: 12 + 35 = ?\n  The fox\t$\\frac{1}{2}$";
            Assert.Equal(trained.Encode(text), tok.Encode(text));
            var chat = "<|im_start|>user\nhi<|im_end|><think>ok</think>";
            var ids = tok.Encode(chat);
            Assert.Equal(baseCount + 1, ids[0]);
            Assert.Equal(chat, tok.Decode(ids));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MissingFiles_SayWhatIsExpected()
    {
        var dir = Directory.CreateTempSubdirectory("t1-empty-").FullName;
        try
        {
            var ex = Assert.Throws<FileNotFoundException>(() => BpeTextTokenizer.Load(dir));
            Assert.Contains("tokenizer.json, or vocab.json and merges.txt", ex.Message);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
