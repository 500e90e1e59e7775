using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace T1.Cli.Tests.Commands;

/// <summary>
/// `t1 serve --models-only`, the real process: it answers the model API and health, and it runs with the native heap
/// meant for a serving host (glibc's, unless configuration names one), which its start-up line says.
/// </summary>
public sealed class ServeModelsOnlyTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData(null, "glibc")]
    [InlineData("compact", "compact")]
    public async Task ModelsOnlyHost_ServesTheModelApi_WithTheServingHeapUnlessOneIsConfigured(string? configured, string expected)
    {
        int port = FreePort();
        var environment = configured is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["T1__Compute__NativeHeap"] = configured };
        await using var t1 = CliProcess.Start(_cli.WorkDir, environment, "serve", "--models-only", "--urls", $"http://127.0.0.1:{port}");
        var banner = await LineAsync(t1, "serving models on", TimeSpan.FromMinutes(2));
        Assert.Contains($"native heap {expected} ·", banner);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var models = JsonNode.Parse(await http.GetStringAsync("/v1/models"))!;
        Assert.Equal("list", models["object"]!.GetValue<string>());
        Assert.Empty(models["data"]!.AsArray()); // nothing promoted in this data directory yet
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> LineAsync(CliProcess process, string containing, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var line = process.Output.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal));
            if (line is not null) return line;
            await Task.Delay(100);
        }
        throw new TimeoutException($"t1 printed no line with '{containing}':\n" + process.Output);
    }
}
