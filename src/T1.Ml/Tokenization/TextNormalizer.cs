using System.Text;
using System.Text.Json.Nodes;

namespace T1.Ml.Tokenization;

/// <summary>
/// The <c>normalizer</c> of a Hugging Face <c>tokenizer.json</c>, applied to text before it is split
/// and encoded: none, or Unicode normalization forms (Qwen2's is <c>{"type": "NFC"}</c>), alone or in a
/// <c>Sequence</c>. Other normalizers (lowercasing, replacements, …) are refused when the file is read,
/// never silently skipped, because encoding would then differ from the model's training.
/// </summary>
public sealed class TextNormalizer
{
    private static readonly Dictionary<string, NormalizationForm> Forms = new(StringComparer.Ordinal)
    {
        ["NFC"] = NormalizationForm.FormC, ["NFD"] = NormalizationForm.FormD,
        ["NFKC"] = NormalizationForm.FormKC, ["NFKD"] = NormalizationForm.FormKD,
    };

    private readonly string[] _steps;

    private TextNormalizer(string[] steps) => _steps = steps;

    /// <summary>No normalization (text is encoded as given).</summary>
    public static TextNormalizer None { get; } = new([]);

    /// <summary>Unicode NFC, as the Qwen2 family's tokenizer.json declares.</summary>
    public static TextNormalizer Nfc { get; } = new(["NFC"]);

    /// <summary>The forms applied in order (e.g. <c>NFC</c>); empty for none.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary><paramref name="text"/> normalized as the tokenizer's training data was.</summary>
    public string Apply(string text)
    {
        foreach (var step in _steps) text = text.Normalize(Forms[step]);
        return text;
    }

    /// <summary>
    /// Reads the <c>normalizer</c> node of <paramref name="file"/> (a tokenizer.json path, for messages).
    /// Throws <see cref="InvalidDataException"/> naming the file and the type when it is not supported.
    /// </summary>
    public static TextNormalizer FromJson(JsonNode? node, string file)
    {
        var steps = new List<string>();
        Collect(node, file, steps);
        return steps.Count == 0 ? None : new TextNormalizer([.. steps]);
    }

    /// <summary>This normalizer as a tokenizer.json <c>normalizer</c> node (null for none).</summary>
    public JsonNode? ToJson() => _steps.Length switch
    {
        0 => null,
        1 => new JsonObject { ["type"] = _steps[0] },
        _ => new JsonObject
        {
            ["type"] = "Sequence",
            ["normalizers"] = new JsonArray(_steps.Select(s => (JsonNode)new JsonObject { ["type"] = s }).ToArray()),
        },
    };

    private static void Collect(JsonNode? node, string file, List<string> steps)
    {
        if (node is null) return;
        var type = (string?)node["type"];
        if (type == "Sequence")
        {
            foreach (var inner in node["normalizers"]?.AsArray() ?? []) Collect(inner, file, steps);
            return;
        }
        if (type is null || !Forms.ContainsKey(type))
            throw new InvalidDataException(
                $"{file}: normalizer '{type ?? node.ToJsonString()}' is not supported; this platform applies NFC, NFD, NFKC and NFKD (alone or in a Sequence), as the Qwen2 family uses. Encoding without it would not match the model's training.");
        steps.Add(type);
    }
}
