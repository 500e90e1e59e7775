using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace T1.Server.Tests.Serving;

/// <summary>A streamed chat completion read event by event, as a client of server-sent events sees it.</summary>
public sealed record SseChat(IReadOnlyList<JsonObject> Chunks, bool Done)
{
    public string Reasoning(int choice = 0) => Join(choice, "reasoning_content");
    public string Content(int choice = 0) => Join(choice, "content");
    public string? Finish(int choice = 0) => Chunks.SelectMany(c => c["choices"]!.AsArray()).Where(c => c!["index"]!.GetValue<int>() == choice)
        .Select(c => c!["finish_reason"]?.GetValue<string>()).LastOrDefault(f => f is not null);
    public JsonObject? Usage => Chunks.LastOrDefault(c => c["usage"] is JsonObject)?["usage"]!.AsObject();

    private string Join(int choice, string field) => string.Concat(Chunks.SelectMany(c => c["choices"]!.AsArray())
        .Where(c => c!["index"]!.GetValue<int>() == choice).Select(c => c!["delta"]![field]?.GetValue<string>() ?? ""));

    public static async Task<SseChat> PostAsync(HttpClient http, object body, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        return await ReadAsync(response, ct);
    }

    public static async Task<SseChat> ReadAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
        var chunks = new List<JsonObject>();
        bool done = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            Assert.StartsWith("data: ", line);
            Assert.False(done, "nothing may follow data: [DONE]");
            var data = line["data: ".Length..];
            if (data == "[DONE]") done = true;
            else chunks.Add(JsonNode.Parse(data)!.AsObject());
        }
        return new SseChat(chunks, done);
    }
}
