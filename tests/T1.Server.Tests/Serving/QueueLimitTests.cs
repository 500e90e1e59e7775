using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;
using T1.Server.Serving;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Serving;

/// <summary>A full queue answers 429 with Retry-After, in OpenAI's error shape.</summary>
public sealed class QueueLimitTests
{
    [Fact]
    public async Task FullQueue_Answers429WithRetryAfter()
    {
        await using var server = await PortalServer.StartAsync(configure: o =>
        {
            o.Serving.Device = "cpu";
            o.Serving.MaxBatch = 1;
            o.Serving.MaxQueued = 1;
        });
        await TinyReasoner.RegisterAsync(server, "rambler", TinyReasoner.Untrained);
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.KeyAsync(Roles.Viewer));
        var models = server.Get<ServedModels>();
        var engine = await models.EngineAsync(await models.ResolveAsync("rambler", default), default);
        using var cts = new CancellationTokenSource();

        async Task<HttpResponseMessage> Start()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new { model = "rambler", messages = new[] { new { role = "user", content = "Compute 1+1." } }, max_tokens = 30000, ignore_eos = true, stream = true }),
            };
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        }

        // ignore_eos: an untrained model may draw its end-of-text at any step; the first row must stay in the batch.
        using var decoding = await Start();
        Assert.Equal(HttpStatusCode.OK, decoding.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (engine.Active == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        using var waiting = await Start();
        Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
        Assert.Equal(1, engine.Queued);
        using var refused = await Start();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", refused.Headers.RetryAfter!.ToString());
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("queue_full", error["code"]!.GetValue<string>());
        Assert.Equal("model rambler@v1 has 1 choices waiting (the limit is 1); retry shortly", error["message"]!.GetValue<string>());
        cts.Cancel();
    }
}
