namespace T1.Ml.Tokenization;

/// <summary>
/// Trains a small byte-level BPE vocabulary from a corpus, for tiny models: 256 byte tokens
/// (id = byte value), then merges in order of corpus frequency, then the special tokens
/// (end of text, pad, think start, think end). Deterministic: the same corpus and size give the
/// same files. The result saves as vocab.json + merges.txt and loads back through the same library.
/// </summary>
public static class BpeTrainer
{
    /// <summary>
    /// Learns up to <paramref name="vocabSize"/> − 4 byte/merge tokens from <paramref name="corpus"/>
    /// (fewer when no pair occurs at least <paramref name="minPairCount"/> times); the 4 special
    /// tokens take the last ids. Special-token strings in the corpus are not learned.
    /// </summary>
    public static BpeTextTokenizer Train(IEnumerable<string> corpus, int vocabSize = 512, int minPairCount = 2)
    {
        string[] specials = [SpecialTokens.EndOfText, SpecialTokens.Pad, SpecialTokens.ThinkStart, SpecialTokens.ThinkEnd];
        if (vocabSize < 256 + specials.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"vocabSize must be at least {256 + specials.Length} (256 bytes + special tokens).");
        }
        var (vocab, merges) = Learn(corpus, vocabSize - specials.Length, minPairCount, specials);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in specials) added[s] = vocab.Count + added.Count;
        return new BpeTextTokenizer(vocab, merges, added, SpecialTokens.EndOfText, SpecialTokens.Pad);
    }

    /// <summary>
    /// The 256 byte tokens (id = byte value) and up to <paramref name="size"/> − 256 merges learned from
    /// <paramref name="corpus"/>, most frequent pair first; <paramref name="excluded"/> strings (special
    /// tokens) are cut out of the corpus first.
    /// </summary>
    internal static (Dictionary<string, int> Vocab, List<(string, string)> Merges) Learn(
        IEnumerable<string> corpus, int size, int minPairCount, string[] excluded)
    {
        var wordCounts = CountWords(corpus, excluded);
        var words = wordCounts.Select(kv => (Symbols: kv.Key.Select(c => c.ToString()).ToList(), Count: kv.Value)).ToList();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++) vocab[ByteLevel.ByteToChar[b].ToString()] = b;
        var merges = new List<(string, string)>();
        while (vocab.Count < size)
        {
            var best = BestPair(words, minPairCount);
            if (best is null) break;
            var (left, right) = best.Value;
            var merged = left + right;
            merges.Add((left, right));
            vocab.TryAdd(merged, vocab.Count);
            foreach (var (symbols, _) in words) MergeInPlace(symbols, left, right, merged);
        }
        return (vocab, merges);
    }

    private static Dictionary<string, long> CountWords(IEnumerable<string> corpus, string[] specials)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var regex = ByteLevel.Qwen2Regex();
        foreach (var doc in corpus)
        {
            foreach (var part in doc.Split(specials, StringSplitOptions.None))
            {
                foreach (System.Text.RegularExpressions.Match m in regex.Matches(part))
                {
                    var w = ByteLevel.Encode(m.Value);
                    counts[w] = counts.GetValueOrDefault(w) + 1;
                }
            }
        }
        return counts;
    }

    private static (string, string)? BestPair(List<(List<string> Symbols, long Count)> words, int minPairCount)
    {
        var pairs = new Dictionary<(string, string), long>();
        foreach (var (symbols, count) in words)
        {
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                var key = (symbols[i], symbols[i + 1]);
                pairs[key] = pairs.GetValueOrDefault(key) + count;
            }
        }
        (string, string)? best = null;
        long bestCount = minPairCount - 1;
        foreach (var (pair, count) in pairs)
        {
            // Ties break on ordinal order of the pair, so training is deterministic.
            if (count > bestCount || (count == bestCount && best is not null && Compare(pair, best.Value) < 0))
            {
                best = pair;
                bestCount = count;
            }
        }
        return best;
    }

    private static int Compare((string, string) a, (string, string) b)
    {
        int c = string.CompareOrdinal(a.Item1, b.Item1);
        return c != 0 ? c : string.CompareOrdinal(a.Item2, b.Item2);
    }

    private static void MergeInPlace(List<string> symbols, string left, string right, string merged)
    {
        for (int i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == left && symbols[i + 1] == right)
            {
                symbols[i] = merged;
                symbols.RemoveAt(i + 1);
            }
        }
    }
}
