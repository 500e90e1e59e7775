using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using T1.Server.Hosting;
using T1.Server.Tests.Platform;
using T1.Storage.Database;

namespace T1.Server.Tests.Hosting;

/// <summary>
/// The OTLP exporter as a user turns it on, by settings (T1:Telemetry:OtlpEndpoint): a loopback OTLP/HTTP receiver
/// gets the run's spans, the engine's metrics and the attempt's log lines with their run id.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task OtlpEndpointSetting_SendsTheRunsTraceMetricsAndLogs_ToTheReceiver()
    {
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        var receiver = WebApplication.CreateSlimBuilder();
        receiver.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = receiver.Build();
        app.MapPost("/v1/{signal}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue((http.Request.Path.Value!, body.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var p = await PlatformHarness.StartAsync(configure: o =>
        {
            o.Telemetry.OtlpEndpoint = url;
            o.Telemetry.ServiceName = "t1-otlp-test";
            o.Telemetry.ExportInterval = TimeSpan.FromSeconds(1);
        });
        var d = await p.RunAsync("""
            name: exported
            steps:
              - id: say
                uses: echo
                cache: false
                with: { message: exported hello }
            """);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);

        bool Got(string path, string text) => received.Any(r => r.Path == path && Contains(r.Body, text));
        var until = DateTime.UtcNow.AddSeconds(90);
        while (!(Got("/v1/traces", d.Run.Id) && Got("/v1/traces", "attempt 1 say") && Got("/v1/metrics", "t1.step.duration")
                 && Got("/v1/metrics", "t1.queue.depth") && Got("/v1/logs", d.Run.Id)))
        {
            Assert.True(DateTime.UtcNow < until, "after 90 s the receiver had: " + string.Join(", ", received.GroupBy(r => r.Path).Select(g => $"{g.Key} × {g.Count()}")));
            await Task.Delay(200);
        }
        Assert.True(Got("/v1/traces", "t1-otlp-test")); // service.name from the settings
    }

    [Theory]
    [InlineData("http://collector:4318", "zipkin", "unknown OTLP protocol 'zipkin' in T1:Telemetry:OtlpProtocol; use 'http/protobuf' or 'grpc'.")]
    [InlineData("collector:4318", "grpc", "T1:Telemetry:OtlpEndpoint 'collector:4318' is not an http(s) URL; give the OTLP receiver's address, e.g. http://collector:4318.")]
    public void WrongOtlpSettings_AreRefused_NamingTheSetting(string endpoint, string protocol, string error)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Telemetry.OtlpProtocol(new TelemetryOptions { OtlpEndpoint = endpoint, OtlpProtocol = protocol }));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void NoOtlpEndpoint_MeansNoExport() => Assert.Null(Telemetry.OtlpProtocol(new TelemetryOptions()));

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
