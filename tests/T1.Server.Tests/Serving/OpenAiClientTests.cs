using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using MeaiFinish = Microsoft.Extensions.AI.ChatFinishReason;
using OpenAiFinish = OpenAI.Chat.ChatFinishReason;
using T1.Server.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Serving;

/// <summary>
/// Contract tests: the official OpenAI .NET client and Microsoft.Extensions.AI's <see cref="IChatClient"/> talk to
/// `t1 serve` as they would to OpenAI (API key as the credential, base URL …/v1), streaming and not.
/// </summary>
public sealed class OpenAiClientTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(configure: o => o.Serving.Device = "cpu");
        await TinyReasoner.RegisterAsync(_server, "tiny", TinyReasoner.Trained);
        _key = await _server.KeyAsync(Roles.Viewer);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ChatClient Client(string model = "tiny") =>
        new(model, new ApiKeyCredential(_key), new OpenAIClientOptions { Endpoint = new Uri(_server.Address + "/v1") });

    [Fact]
    public async Task OpenAiClient_CompletesAndStreams()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 64 };
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("Compute 3+4.")], options);
        Assert.Equal("\nFinal answer: \\boxed{7}", completion.Content[0].Text);
        Assert.Equal(OpenAiFinish.Stop, completion.FinishReason);
        Assert.Equal("tiny@v1", completion.Model);
        Assert.True(completion.Usage.OutputTokenCount > completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);

        var text = new System.Text.StringBuilder();
        OpenAiFinish? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("Compute 9-5.")], options))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }
        Assert.Equal("\nFinal answer: \\boxed{4}", text.ToString());
        Assert.Equal(OpenAiFinish.Stop, finish);
        Assert.NotNull(usage); // the client asks for stream_options.include_usage

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client("nope").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, error.Status);
        Assert.Contains("The model 'nope' does not exist", error.Message);
    }

    [Fact]
    public async Task ExtensionsAiChatClient_CompletesAndStreams()
    {
        IChatClient chat = Client().AsIChatClient();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 64 };
        var response = await chat.GetResponseAsync("Compute 3+4.", options);
        Assert.Equal("\nFinal answer: \\boxed{7}", response.Text);
        Assert.Equal(MeaiFinish.Stop, response.FinishReason);
        Assert.True(response.Usage!.TotalTokenCount > 0);

        var streamed = new System.Text.StringBuilder();
        await foreach (var update in chat.GetStreamingResponseAsync("Compute 9-5.", options)) streamed.Append(update.Text);
        Assert.Equal("\nFinal answer: \\boxed{4}", streamed.ToString());
    }
}
