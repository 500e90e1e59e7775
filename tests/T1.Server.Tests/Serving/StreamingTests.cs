using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Ml.Sampling;
using T1.Server.Auth;
using T1.Server.Serving;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Serving;

/// <summary>Streaming and continuous batching: requests join the running batch, leave when done or when their client goes away.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private HttpClient _viewer = null!;

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(configure: o => o.Serving.Device = "cpu");
        await TinyReasoner.RegisterAsync(_server, "tiny", TinyReasoner.Trained);
        await TinyReasoner.RegisterAsync(_server, "rambler", TinyReasoner.Untrained);
        _viewer = _server.Client();
        _viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _server.KeyAsync(Roles.Viewer));
    }

    public async Task DisposeAsync()
    {
        _viewer.Dispose();
        await _server.DisposeAsync();
    }

    private static object[] Ask(string prompt) => [new { role = "user", content = prompt }];

    private async Task<DecodeEngine> EngineAsync(string model)
    {
        var models = _server.Get<ServedModels>();
        return await models.EngineAsync(await models.ResolveAsync(model, default), default);
    }

    [Fact]
    public async Task Stream_SendsChunksEndingWithDone_SameTextAsNonStreaming_UsageWhenAsked()
    {
        var whole = (await (await _viewer.PostAsJsonAsync("/v1/chat/completions", new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0 }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        var stream = await SseChat.PostAsync(_viewer, new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0, stream = true, stream_options = new { include_usage = true } });

        Assert.True(stream.Done);
        Assert.All(stream.Chunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
        Assert.Equal("assistant", stream.Chunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        Assert.True(stream.Chunks.Count > 5, "a chunk per token or so");
        Assert.Equal(whole["choices"]![0]!["message"]!["reasoning_content"]!.GetValue<string>(), stream.Reasoning());
        Assert.Equal(whole["choices"]![0]!["message"]!["content"]!.GetValue<string>(), stream.Content());
        Assert.Equal("stop", stream.Finish());
        Assert.Empty(stream.Chunks[^1]["choices"]!.AsArray()); // the usage chunk has no choices
        Assert.Equal(whole["usage"]!.ToJsonString(), stream.Usage!.ToJsonString());

        var noUsage = await SseChat.PostAsync(_viewer, new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0, stream = true });
        Assert.Null(noUsage.Usage);
        Assert.True(noUsage.Done);
    }

    [Fact]
    public async Task ConcurrentRequests_DecodeInOneBatch_EachAsItWouldAlone()
    {
        var alone = new Dictionary<string, string>();
        foreach (var p in new[] { "Compute 3+4.", "Compute 9-5." })
        {
            var s = await SseChat.PostAsync(_viewer, new { model = "tiny", messages = Ask(p), temperature = 0, stream = true });
            alone[p] = s.Reasoning() + "|" + s.Content();
        }
        var prompts = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? "Compute 3+4." : "Compute 9-5.").ToArray();
        var together = await Task.WhenAll(prompts.Select(p => SseChat.PostAsync(_viewer, new { model = "tiny", messages = Ask(p), temperature = 0, stream = true })));
        for (int i = 0; i < prompts.Length; i++) Assert.Equal(alone[prompts[i]], together[i].Reasoning() + "|" + together[i].Content());

        // 8 long generations at once take far fewer steps than one after another.
        var rambler = await EngineAsync("rambler");
        long before = rambler.Steps;
        var long8 = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => SseChat.PostAsync(_viewer,
            new { model = "rambler", messages = Ask($"Compute {i}+1."), temperature = 1, seed = i, max_tokens = 200, stream = true, stream_options = new { include_usage = true } })));
        long steps = rambler.Steps - before, tokens = long8.Sum(s => s.Usage!["completion_tokens"]!.GetValue<int>());
        Assert.True(tokens > 400, $"the rambler wrote only {tokens} tokens");
        Assert.True(steps < tokens / 2, $"8 requests of {tokens} tokens in all took {steps} decode steps; batched they should share steps");
    }

    [Fact]
    public async Task ClientThatDisconnects_CancelsItsGeneration()
    {
        var rambler = await EngineAsync("rambler");
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "rambler", messages = Ask("Compute 1+1."), max_tokens = 30000, ignore_eos = true, stream = true }), // runs until its client leaves
        };
        long before = rambler.Steps;
        var response = await _viewer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        for (int lines = 0; lines < 6;) if (!string.IsNullOrEmpty(await reader.ReadLineAsync(cts.Token))) lines++;
        Assert.Equal(1, rambler.Active);
        cts.Cancel();
        response.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (rambler.Active > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, rambler.Active);
        long steps = rambler.Steps - before;
        await Task.Delay(200);
        Assert.Equal(steps, rambler.Steps - before); // nothing decodes any more
        Assert.True(steps < 29000, $"the generation ran {steps} steps although its client left");
    }
}
