using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using T1.Ml.Sampling;

namespace T1.Server.Serving;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the OpenAI chat API over a registry model. The prompt is the conversation in
/// the model's chat format followed by <c>&lt;think&gt;</c> (as evaluation prompts); the thinking comes back as
/// <c>reasoning_content</c>, the rest as <c>content</c>. Non-streaming answers one JSON object; <c>stream: true</c>
/// answers server-sent events in OpenAI's chunk shape, ending with <c>data: [DONE]</c>.
/// </summary>
public static class ChatCompletions
{
    public static async Task HandleAsync(HttpContext http, ServedModels models, ServingOptions options)
    {
        try
        {
            var body = await ReadBodyAsync(http.Request, options.MaxRequestBytes);
            var request = ChatRequest.Parse(body);
            var resolved = await models.ResolveAsync(request.Model, http.RequestAborted);
            var engine = await models.EngineAsync(resolved, http.RequestAborted);
            var tok = engine.Tokenizer;
            var prompt = tok.Encode(tok.Chat.ConversationText(request.Messages)).Append(tok.Special.ThinkStart).ToList();
            int context = engine.Model.Config.MaxPositions;
            if (prompt.Count >= context)
                throw ServingException.Invalid("messages", $"the messages are {prompt.Count} tokens in {resolved.Id}'s chat format, but its context is {context} positions; shorten them", "context_length_exceeded");
            var decode = new DecodeRequest
            {
                Prompt = prompt, Temperature = request.Temperature, TopP = request.TopP, MaxTokens = request.MaxTokens, Stop = request.Stop,
                Choices = request.N, Seed = request.Seed, LogProbs = request.LogProbs, TopLogProbs = request.TopLogProbs,
                ThinkingBudget = request.ThinkingBudget, IgnoreEos = request.IgnoreEos, Cancellation = http.RequestAborted,
            };
            ChannelReader<DecodeDelta> deltas;
            try { deltas = engine.Submit(decode); }
            catch (DecodeQueueFullException e)
            {
                throw new ServingException(StatusCodes.Status429TooManyRequests, "rate_limit_error", "queue_full", null, e.Message) { RetryAfter = e.RetryAfter };
            }
            catch (ArgumentException e) { throw ServingException.Invalid(null, e.Message); }
            var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (request.Stream) await ChatStream.WriteAsync(http, deltas, id, created, resolved.Id, request);
            else await WriteCompletionAsync(http, deltas, id, created, resolved.Id, request);
        }
        catch (ServingException e) when (!http.Response.HasStarted)
        {
            await OpenAiErrors.WriteAsync(http.Response, e);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // the client went away; its generation was cancelled with it
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            await OpenAiErrors.WriteAsync(http.Response, StatusCodes.Status500InternalServerError, "server_error", null, null,
                $"generation failed on the server: {e.Message}");
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit) throw TooLarge(request.ContentLength.Value, limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(buffer.Length + read, limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ServingException TooLarge(long size, int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "invalid_request_error", "request_too_large", "messages",
            $"the request body is over {limit} bytes (at least {size}); shorten the messages or raise T1:Serving:MaxRequestBytes");

    private static async Task WriteCompletionAsync(HttpContext http, ChannelReader<DecodeDelta> deltas, string id, long created, string model, ChatRequest request)
    {
        var reasoning = Enumerable.Range(0, request.N).Select(_ => new System.Text.StringBuilder()).ToArray();
        var content = Enumerable.Range(0, request.N).Select(_ => new System.Text.StringBuilder()).ToArray();
        var logprobs = Enumerable.Range(0, request.N).Select(_ => new List<TokenLogProb>()).ToArray();
        var finish = new string?[request.N];
        var usage = new DecodeUsage?[request.N];
        await foreach (var d in deltas.ReadAllAsync(http.RequestAborted))
        {
            reasoning[d.Choice].Append(d.Reasoning);
            content[d.Choice].Append(d.Content);
            logprobs[d.Choice].AddRange(d.LogProbs);
            if (d.Finish is not null) (finish[d.Choice], usage[d.Choice]) = (d.Finish, d.Usage);
        }
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        ChatStream.Head(json, id, created, model, "chat.completion");
        json.WriteStartArray("choices");
        for (int i = 0; i < request.N; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", content[i].ToString());
            json.WriteString("reasoning_content", reasoning[i].ToString());
            json.WriteEndObject();
            WriteLogProbs(json, request.LogProbs ? logprobs[i] : null);
            json.WriteString("finish_reason", finish[i] ?? "stop");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteUsage(json, usage);
        json.WriteEndObject();
        await json.FlushAsync();
    }

    internal static void WriteLogProbs(Utf8JsonWriter json, IReadOnlyList<TokenLogProb>? tokens)
    {
        if (tokens is null) { json.WriteNull("logprobs"); return; }
        json.WriteStartObject("logprobs");
        json.WriteStartArray("content");
        foreach (var t in tokens)
        {
            WriteToken(json, t.Token, t.LogProb);
            json.WriteStartArray("top_logprobs");
            foreach (var top in t.Top)
            {
                WriteToken(json, top.Token, top.LogProb);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNull("refusal");
        json.WriteEndObject();
    }

    private static void WriteToken(Utf8JsonWriter json, string token, float logProb)
    {
        json.WriteStartObject();
        json.WriteString("token", token);
        json.WriteNumber("logprob", logProb);
        json.WriteStartArray("bytes");
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(token)) json.WriteNumberValue(b);
        json.WriteEndArray();
    }

    internal static void WriteUsage(Utf8JsonWriter json, IReadOnlyList<DecodeUsage?> usage)
    {
        int prompt = usage.FirstOrDefault(u => u is not null)?.PromptTokens ?? 0;
        int completion = usage.Sum(u => u?.CompletionTokens ?? 0), reasoning = usage.Sum(u => u?.ReasoningTokens ?? 0);
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", prompt);
        json.WriteNumber("completion_tokens", completion);
        json.WriteNumber("total_tokens", prompt + completion);
        json.WriteStartObject("completion_tokens_details");
        json.WriteNumber("reasoning_tokens", reasoning);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
