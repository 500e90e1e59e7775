using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using T1.Ml.Sampling;

namespace T1.Server.Serving;

/// <summary>
/// The streaming answer: server-sent events, one <c>chat.completion.chunk</c> per delta (the first of each choice
/// carries the role; the last its <c>finish_reason</c>), with <c>stream_options.include_usage</c> a last chunk with
/// no choices and the usage, then <c>data: [DONE]</c>. An error after the stream began is sent as an event with
/// OpenAI's error object.
/// </summary>
internal static class ChatStream
{
    public static async Task WriteAsync(HttpContext http, ChannelReader<DecodeDelta> deltas, string id, long created, string model, ChatRequest request)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var usage = new DecodeUsage?[request.N];
        var buffer = new ArrayBufferWriter<byte>();
        for (int i = 0; i < request.N; i++)
            await SendAsync(response, buffer, json => Chunk(json, id, created, model, request, i, role: true, "", "", null, null));
        try
        {
            await foreach (var d in deltas.ReadAllAsync(http.RequestAborted))
            {
                if (d.Finish is not null) usage[d.Choice] = d.Usage;
                // One flush for all the deltas ready now (a batch step hands out many at once).
                await SendAsync(response, buffer, json => Chunk(json, id, created, model, request, d.Choice, role: false, d.Reasoning, d.Content,
                    request.LogProbs ? d.LogProbs : null, d.Finish), flush: !deltas.TryPeek(out _));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await response.WriteAsync("data: " + OpenAiErrors.Json("server_error", null, null, $"generation failed on the server: {e.Message}") + "\n\n");
            return;
        }
        if (request.IncludeUsage)
            await SendAsync(response, buffer, json =>
            {
                Head(json, id, created, model);
                json.WriteStartArray("choices");
                json.WriteEndArray();
                ChatCompletions.WriteUsage(json, usage);
                json.WriteEndObject();
            });
        await response.WriteAsync("data: [DONE]\n\n");
        await response.Body.FlushAsync();
    }

    private static void Chunk(Utf8JsonWriter json, string id, long created, string model, ChatRequest request, int choice, bool role,
        string reasoning, string content, IReadOnlyList<TokenLogProb>? logprobs, string? finish)
    {
        Head(json, id, created, model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", choice);
        json.WriteStartObject("delta");
        if (role) json.WriteString("role", "assistant");
        if (role || content.Length > 0) json.WriteString("content", content);
        if (reasoning.Length > 0) json.WriteString("reasoning_content", reasoning);
        json.WriteEndObject();
        ChatCompletions.WriteLogProbs(json, logprobs);
        if (finish is null) json.WriteNull("finish_reason");
        else json.WriteString("finish_reason", finish);
        json.WriteEndObject();
        json.WriteEndArray();
        if (request.IncludeUsage) json.WriteNull("usage");
        json.WriteEndObject();
    }

    /// <summary>Opens a response object (a chunk, or with <paramref name="kind"/> <c>chat.completion</c> the whole answer) with its id, kind, time and model.</summary>
    internal static void Head(Utf8JsonWriter json, string id, long created, string model, string kind = "chat.completion.chunk")
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", kind);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteString("system_fingerprint", model);
    }

    /// <summary>One event, <c>data: JSON</c> and a blank line, in one write (with chunked transfer encoding each write is a chunk of its own).</summary>
    private static async Task SendAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, Action<Utf8JsonWriter> write, bool flush = true)
    {
        buffer.Clear();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        buffer.Write("\n\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory);
        if (flush) await response.Body.FlushAsync();
    }
}
