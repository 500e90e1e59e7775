using System.Text.Json;
using System.Text.Json.Nodes;
using T1.Ml.Tokenization;

namespace T1.Ml.Training;

/// <summary>One supervised example: the model sees <see cref="Prompt"/> and learns to write <see cref="Response"/>.</summary>
public sealed record SftExample(string Prompt, string Response)
{
    /// <summary>
    /// Reads a JSONL dataset: one object a line with string fields <c>prompt</c> and <c>response</c>
    /// (other fields, e.g. those <c>synthesize</c> writes, are ignored; blank lines are skipped).
    /// </summary>
    /// <exception cref="FormatException">A line is not such an object; the message names the line.</exception>
    public static IEnumerable<SftExample> ReadJsonl(TextReader input)
    {
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonObject? o;
            try { o = JsonNode.Parse(line) as JsonObject; }
            catch (JsonException e) { throw new FormatException($"line {lineNumber}: not valid JSON ({e.Message})", e); }
            if (o is null) throw new FormatException($"line {lineNumber}: expected a JSON object with \"prompt\" and \"response\"");
            yield return new SftExample(Field(o, "prompt", lineNumber), Field(o, "response", lineNumber));
        }
    }

    private static string Field(JsonObject o, string name, int line) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new FormatException($"line {line}: \"{name}\" is missing or not a non-empty string (fields: {string.Join(", ", o.Select(kv => kv.Key))})");
}

/// <summary>An example as token ids (<see cref="ChatFormat"/> layout); loss goes on ids from <see cref="PromptLength"/> on.</summary>
public sealed record EncodedExample(int[] Ids, int PromptLength)
{
    /// <summary>Positions that carry loss: the response and its end of text.</summary>
    public int TargetCount => Ids.Length - PromptLength;
}

/// <summary>A tokenized dataset and how many examples did not fit <see cref="SftOptions.MaxLen"/>.</summary>
public sealed record SftData(IReadOnlyList<EncodedExample> Examples, int TooLong)
{
    /// <summary>All tokens (prompt and response) of the kept examples.</summary>
    public long Tokens => Examples.Sum(e => (long)e.Ids.Length);

    /// <summary>Tokens that carry loss.</summary>
    public long TargetTokens => Examples.Sum(e => (long)e.TargetCount);

    /// <summary>
    /// Encodes <paramref name="examples"/> with <see cref="ChatFormat.EncodeExample"/>. An example longer than
    /// <paramref name="maxLen"/> ids (prompt + response + end of text) is dropped and counted in <see cref="TooLong"/>:
    /// cut, it would lose its end-of-text target and its final answer, and teach the model to go on instead of stopping.
    /// </summary>
    public static SftData Encode(IEnumerable<SftExample> examples, ITextTokenizer tokenizer, int maxLen)
    {
        var kept = new List<EncodedExample>();
        int tooLong = 0;
        foreach (var e in examples)
        {
            var (ids, promptLength) = ChatFormat.EncodeExample(tokenizer, e.Prompt, e.Response);
            if (ids.Length > maxLen)
            {
                tooLong++;
                continue;
            }
            kept.Add(new EncodedExample(ids, promptLength));
        }
        return new SftData(kept, tooLong);
    }
}
