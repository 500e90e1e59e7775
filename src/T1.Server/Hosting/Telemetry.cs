using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using T1.Server.Auth;
using T1.Workflows.Engine;

namespace T1.Server.Hosting;

/// <summary>
/// OpenTelemetry of a T1 process, in one place (one MeterProvider, one TracerProvider). Metrics of every T1 meter
/// (<c>T1.*</c>: <c>T1.Engine</c>, <c>T1.Serving</c>, …) are served as Prometheus text at <c>/metrics</c> by the web
/// hosts (viewer role, like the API; open on loopback). With <see cref="TelemetryOptions.OtlpEndpoint"/> set, traces
/// (the engine's run → step → attempt spans, Hangfire, ASP.NET Core, outgoing HTTP — S3 — and Npgsql), the same
/// metrics and the logs (with their scopes: run, step, try) go to that OTLP receiver.
/// </summary>
public static class Telemetry
{
    public const string MeterWildcard = "T1.*";
    public const string SourceWildcard = "T1.*";

    private static int _filterAdded;

    /// <param name="web">An ASP.NET Core host: serves <c>/metrics</c> and traces incoming requests.</param>
    public static IServiceCollection AddT1Telemetry(this IServiceCollection services, T1Options options, bool web)
    {
        var settings = options.Telemetry;
        var otlp = OtlpProtocol(settings);
        // Hangfire's filters are process-wide; the filter is stateless, so once is enough for every host in the process.
        if (Interlocked.Exchange(ref _filterAdded, 1) == 0) Hangfire.GlobalJobFilters.Filters.Add(new TelemetryJobFilter());
        services.AddSingleton(sp => new QueueDepth(sp.GetRequiredService<T1.Storage.Database.DatabaseFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<QueueDepth>>(), ["gpu", "cpu", .. options.Worker.Queues]));

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(settings.ServiceName, serviceInstanceId: options.Engine.WorkerName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MeterWildcard);
                if (web) metrics.AddPrometheusExporter();
                if (otlp is { } protocol)
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        Configure(exporter, settings, protocol, "metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.ExportInterval.TotalMilliseconds;
                    });
            });
        services.AddHostedService<QueueDepthStart>();
        if (otlp is not { } p) return services;

        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(SourceWildcard).AddHttpClientInstrumentation().AddNpgsql();
            if (web) tracing.AddAspNetCoreInstrumentation();
            tracing.AddOtlpExporter(exporter => Configure(exporter, settings, p, "traces"));
        });
        telemetry.WithLogging(logging => logging.AddOtlpExporter(exporter => Configure(exporter, settings, p, "logs")),
            o => { o.IncludeScopes = true; o.IncludeFormattedMessage = true; });
        return services;
    }

    public static void MapT1Metrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Roles.Viewer).ExcludeFromDescription();

    /// <summary>The OTLP protocol of the settings, or null when export is off; throws naming the setting when they are wrong.</summary>
    internal static OtlpExportProtocol? OtlpProtocol(TelemetryOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.OtlpEndpoint)) return null;
        if (!Uri.TryCreate(settings.OtlpEndpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException(
                $"T1:Telemetry:OtlpEndpoint '{settings.OtlpEndpoint}' is not an http(s) URL; give the OTLP receiver's address, e.g. http://collector:4318.");
        return settings.OtlpProtocol.Trim().ToLowerInvariant() switch
        {
            "" or TelemetryOptions.HttpProtobuf => OtlpExportProtocol.HttpProtobuf,
            TelemetryOptions.Grpc => OtlpExportProtocol.Grpc,
            var other => throw new InvalidOperationException(
                $"unknown OTLP protocol '{other}' in T1:Telemetry:OtlpProtocol; use '{TelemetryOptions.HttpProtobuf}' or '{TelemetryOptions.Grpc}'."),
        };
    }

    private static void Configure(OtlpExporterOptions exporter, TelemetryOptions settings, OtlpExportProtocol protocol, string signal)
    {
        var endpoint = settings.OtlpEndpoint.Trim().TrimEnd('/');
        exporter.Protocol = protocol;
        // Set in code, the endpoint is used as given: over HTTP each signal has its own path.
        exporter.Endpoint = new Uri(protocol == OtlpExportProtocol.HttpProtobuf ? $"{endpoint}/v1/{signal}" : endpoint);
        if (settings.OtlpHeaders.Length > 0) exporter.Headers = settings.OtlpHeaders;
    }

    /// <summary>Creates the queue-depth gauge with the host (a singleton nobody else asks for).</summary>
    private sealed class QueueDepthStart(QueueDepth gauge) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(gauge);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
