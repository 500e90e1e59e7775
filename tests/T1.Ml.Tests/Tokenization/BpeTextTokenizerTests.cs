using T1.Ml.Tokenization;

namespace T1.Ml.Tests.Tokenization;

public class BpeTextTokenizerTests
{
    internal static readonly string[] Corpus =
    [
        "Problem: 12 + 35 = ?\n<think>Try 12 + 35 = 47. Check: 47 - 35 = 12. Correct.</think>\nAnswer: 47<|endoftext|>",
        "Solve $x^2 - 5x + 6 = 0$.\n\\frac{a}{b} + \\sqrt{2}\n  indented line\twith tab\n",
        "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs!",
        "Countdown: use 3, 7, 25 and 100 to make 321. Try (100 + 7) * 3 = 321. Verify: 107 * 3 = 321.",
    ];

    private static readonly string[] RoundTrips =
    [
        "",
        " ",
        "a  b   c\n\n\nd\r\n",
        "  leading and trailing spaces  ",
        "1234567890 + 0.5 = 1234567890.5",
        "\\int_0^1 x^2 \\, dx = \\frac{1}{3} \\quad $\\alpha_{i,j}$",
        "tabs\tand\u00a0nbsp, unicode: naïve café 数学 🙂",
        "<think>reason</think>answer<|endoftext|>",
        "text never seen in training: zebra quokka ZZZ!!!",
    ];

    [Fact]
    public void Trained_RoundTripsExactly_IncludingWhitespaceDigitsLatexAndSpecials()
    {
        var tok = BpeTrainer.Train(Corpus, vocabSize: 320);
        foreach (var text in RoundTrips)
        {
            var ids = tok.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 0, tok.VocabSize - 1));
            Assert.Equal(text, tok.Decode(ids));
        }
    }

    [Fact]
    public void SpecialTokens_AreSingleIds_AndCanBeSkipped()
    {
        var tok = BpeTrainer.Train(Corpus, vocabSize: 320);
        var ids = tok.Encode("<think>x</think>y<|endoftext|>");
        Assert.Equal(tok.Special.ThinkStart, ids[0]);
        Assert.Contains(tok.Special.ThinkEnd, ids);
        Assert.Equal(tok.Special.EndOfText, ids[^1]);
        Assert.Equal("xy", tok.Decode(ids, skipSpecialTokens: true));
        // The corpus runs out of repeated pairs before 320: special tokens take the last four ids.
        Assert.InRange(tok.VocabSize, 260, 320);
        int v = tok.VocabSize;
        Assert.Equal(new[] { v - 4, v - 3, v - 2, v - 1 }, new[] { tok.Special.EndOfText, tok.Special.Pad, tok.Special.ThinkStart, tok.Special.ThinkEnd });
    }

    [Fact]
    public void Training_LearnsMerges_SoFrequentTextTakesFewerTokensThanBytes()
    {
        var tok = BpeTrainer.Train(Corpus, vocabSize: 320);
        Assert.True(tok.MergeCount > 0);
        const string text = "The fox runs. Check: 47 - 35 = 12.";
        Assert.True(tok.Encode(text).Count < System.Text.Encoding.UTF8.GetByteCount(text));
        Assert.Single(tok.Encode(" fox"));
    }

    [Fact]
    public void SaveThenLoad_GivesSameIds_FromVocabAndMergesFiles()
    {
        var tok = BpeTrainer.Train(Corpus, vocabSize: 300);
        var dir = Path.Combine(Path.GetTempPath(), "t1-tok-" + Guid.NewGuid().ToString("N"));
        try
        {
            tok.Save(dir);
            Assert.True(File.Exists(Path.Combine(dir, "vocab.json")));
            Assert.StartsWith("#version", File.ReadLines(Path.Combine(dir, "merges.txt")).First());
            var loaded = BpeTextTokenizer.Load(dir);
            Assert.Equal(tok.VocabSize, loaded.VocabSize);
            Assert.Equal(tok.Special, loaded.Special);
            foreach (var text in RoundTrips.Concat(Corpus))
            {
                Assert.Equal(tok.Encode(text), loaded.Encode(text));
                Assert.Equal(text, loaded.Decode(loaded.Encode(text)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Training_IsDeterministic()
    {
        var a = BpeTrainer.Train(Corpus, vocabSize: 300);
        var b = BpeTrainer.Train(Corpus.Reverse(), vocabSize: 300);
        Assert.Equal(a.Encode(Corpus[3]), b.Encode(Corpus[3]));
    }
}
