using System.Text.Json;

namespace T1.Server.Serving;

/// <summary>
/// A <c>POST /v1/chat/completions</c> body, read field by field so that every mistake is answered with the
/// parameter it concerns (OpenAI's error shape) and fields this server does not use are ignored, as OpenAI clients expect.
/// </summary>
public sealed record ChatRequest
{
    public required string Model { get; init; }
    public required IReadOnlyList<(string Role, string Content)> Messages { get; init; }
    public int? MaxTokens { get; init; }
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    public IReadOnlyList<string> Stop { get; init; } = [];
    public int N { get; init; } = 1;
    public long? Seed { get; init; }
    public bool LogProbs { get; init; }
    public int TopLogProbs { get; init; }
    public bool Stream { get; init; }
    public bool IncludeUsage { get; init; }
    public int? ThinkingBudget { get; init; }
    public bool IgnoreEos { get; init; }

    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant"];

    /// <summary>Reads the JSON body; throws <see cref="ServingException"/> (400) naming the bad parameter.</summary>
    public static ChatRequest Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (Exception e) when (e is JsonException or ArgumentException or System.Text.DecoderFallbackException)
        {
            throw ServingException.Invalid(null, $"the body is not valid JSON (UTF-8): {e.Message}", "invalid_json");
        }
        using (doc)
        {
            try { return Read(doc.RootElement); }
            catch (InvalidOperationException e)
            {
                // a string with bytes that are not UTF-8 is found when it is read
                throw ServingException.Invalid(null, $"the body is not valid JSON (UTF-8): {e.Message}", "invalid_json");
            }
        }
    }

    private static ChatRequest Read(JsonElement root)
    {
        {
            if (root.ValueKind != JsonValueKind.Object) throw ServingException.Invalid(null, "the body must be a JSON object", "invalid_json");
            var model = String(root, "model") ?? throw ServingException.Invalid("model", "'model' is required: a registry model (NAME, NAME@vN); GET /v1/models lists them");
            int? maxTokens = Int(root, "max_completion_tokens") ?? Int(root, "max_tokens");
            if (maxTokens is < 1) throw ServingException.Invalid(root.TryGetProperty("max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens", $"max_tokens must be at least 1, got {maxTokens}");
            bool logprobs = Bool(root, "logprobs") ?? false;
            var request = new ChatRequest
            {
                Model = model,
                Messages = ReadMessages(root),
                MaxTokens = maxTokens,
                Temperature = Number(root, "temperature") ?? 1.0,
                TopP = Number(root, "top_p") ?? 1.0,
                Stop = ReadStop(root),
                N = Int(root, "n") ?? 1,
                Seed = Long(root, "seed"),
                LogProbs = logprobs,
                TopLogProbs = Int(root, "top_logprobs") ?? 0,
                Stream = Bool(root, "stream") ?? false,
                IncludeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object && (Bool(so, "include_usage") ?? false),
                ThinkingBudget = Int(root, "thinking_budget"),
                IgnoreEos = Bool(root, "ignore_eos") ?? false,
            };
            if (request.Temperature is < 0 or > 2) throw ServingException.Invalid("temperature", $"temperature must be in [0, 2], got {request.Temperature}");
            if (request.TopP is <= 0 or > 1) throw ServingException.Invalid("top_p", $"top_p must be in (0, 1], got {request.TopP}");
            if (request.N is < 1 or > 16) throw ServingException.Invalid("n", $"n must be in 1..16, got {request.N}");
            if (request.TopLogProbs is < 0 or > 20) throw ServingException.Invalid("top_logprobs", $"top_logprobs must be in 0..20, got {request.TopLogProbs}");
            if (request.TopLogProbs > 0 && !logprobs) throw ServingException.Invalid("top_logprobs", "top_logprobs needs logprobs: true");
            if (request.ThinkingBudget is < 0) throw ServingException.Invalid("thinking_budget", $"thinking_budget must be at least 0, got {request.ThinkingBudget}");
            return request;
        }
    }

    private static IReadOnlyList<(string, string)> ReadMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            throw ServingException.Invalid("messages", "'messages' is required: a non-empty array of {\"role\": \"user\", \"content\": \"…\"}");
        var turns = new List<(string, string)>();
        int i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            string param = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw ServingException.Invalid(param, $"{param} must be an object with role and content");
            var role = String(m, "role", param + ".role") ?? throw ServingException.Invalid(param + ".role", $"{param}.role is required");
            if (!Roles.Contains(role)) throw ServingException.Invalid(param + ".role", $"{param}.role '{role}' is not supported; use system, developer, user or assistant");
            turns.Add((role == "developer" ? "system" : role, Content(m, param)));
        }
        if (turns[^1].Item1 == "assistant")
            throw ServingException.Invalid("messages", "the last message is the assistant's; end with a user message (continuing an assistant turn is not supported)");
        return turns;
    }

    private static string Content(JsonElement m, string param)
    {
        if (!m.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null) return "";
        if (c.ValueKind == JsonValueKind.String) return c.GetString()!;
        if (c.ValueKind != JsonValueKind.Array) throw ServingException.Invalid(param + ".content", $"{param}.content must be a string or an array of text parts");
        var parts = new List<string>();
        foreach (var part in c.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || String(part, "type", param + ".content") != "text" || String(part, "text", param + ".content") is not { } text)
                throw ServingException.Invalid(param + ".content", $"{param}.content: only text parts ({{\"type\": \"text\", \"text\": \"…\"}}) are supported");
            parts.Add(text);
        }
        return string.Concat(parts);
    }

    private static IReadOnlyList<string> ReadStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var s) || s.ValueKind == JsonValueKind.Null) return [];
        List<string> stops = s.ValueKind switch
        {
            JsonValueKind.String => [s.GetString()!],
            JsonValueKind.Array when s.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) => s.EnumerateArray().Select(x => x.GetString()!).ToList(),
            _ => throw ServingException.Invalid("stop", "stop must be a string or an array of up to 4 strings"),
        };
        if (stops.Count > 4) throw ServingException.Invalid("stop", $"stop takes at most 4 strings, got {stops.Count}");
        if (stops.Any(x => x.Length == 0)) throw ServingException.Invalid("stop", "stop strings must not be empty");
        return stops;
    }

    private static bool Present(JsonElement e, string name, out JsonElement value) =>
        e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string? String(JsonElement e, string name, string? param = null)
    {
        if (!Present(e, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw ServingException.Invalid(param ?? name, $"{param ?? name} must be a string");
    }

    private static int? Int(JsonElement e, string name)
    {
        if (!Present(e, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw ServingException.Invalid(name, $"{name} must be an integer, got {v.GetRawText()}");
    }

    private static long? Long(JsonElement e, string name)
    {
        if (!Present(e, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i : throw ServingException.Invalid(name, $"{name} must be an integer, got {v.GetRawText()}");
    }

    private static double? Number(JsonElement e, string name)
    {
        if (!Present(e, name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw ServingException.Invalid(name, $"{name} must be a number, got {v.GetRawText()}");
    }

    private static bool? Bool(JsonElement e, string name)
    {
        if (!Present(e, name, out var v)) return null;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw ServingException.Invalid(name, $"{name} must be true or false");
    }
}
