using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace T1.Ml.Tests.Synthesis.Teacher;

/// <summary>
/// The teacher's stand-in: a real HTTP server on loopback that answers <c>POST /v1/chat/completions</c> with
/// recorded bodies (status, headers, delay) chosen by <see cref="Answer"/> from the request. Every request it got is
/// in <see cref="Requests"/> (with the time it came in).
/// </summary>
public sealed class RecordedTeacher : IAsyncDisposable
{
    public sealed record Reply(int Status, string Body, TimeSpan Delay = default, string? RetryAfter = null);

    public sealed record Request(JsonObject Body, DateTime At, string? Authorization);

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public RecordedTeacher(Func<Request, int, Reply> answer)
    {
        Answer = answer;
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Chooses the reply to a request; the int is the request's number (0-based, in arrival order).</summary>
    public Func<Request, int, Reply> Answer { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    private int _count = -1;

    /// <summary>A chat.completion body as OpenAI-compatible servers send it.</summary>
    public static string Completion(string? content, string? reasoning = null, string finish = "stop", int promptTokens = 50, int completionTokens = 120)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (reasoning is not null) message["reasoning_content"] = reasoning;
        return new JsonObject
        {
            ["id"] = "chatcmpl-recorded", ["object"] = "chat.completion", ["created"] = 1764547200, ["model"] = "teacher",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
        }.ToJsonString();
    }

    public static string Error(string message, string type = "invalid_request_error") =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type } }.ToJsonString();

    /// <summary>The user turn (the problem) of a request.</summary>
    public static string Problem(Request request) =>
        request.Body["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"]!.GetValue<string>();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
            var request = new Request(body, DateTime.UtcNow, context.Request.Headers["Authorization"]);
            Requests.Enqueue(request);
            var reply = Answer(request, Interlocked.Increment(ref _count));
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            if (reply.RetryAfter is not null) context.Response.Headers["Retry-After"] = reply.RetryAfter;
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception) // the client went away (a timeout under test) or the server is stopping
        {
            try { context.Response.Abort(); } catch (ObjectDisposedException) { }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }
}
