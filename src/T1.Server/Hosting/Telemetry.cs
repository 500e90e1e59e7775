using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using T1.Server.Auth;

namespace T1.Server.Hosting;

/// <summary>
/// OpenTelemetry metrics of every T1 meter (<c>T1.*</c>: <c>T1.Serving</c> and whatever else the platform
/// records), served as Prometheus text at <c>/metrics</c> (viewer role, like the API; open on loopback).
/// </summary>
public static class Telemetry
{
    public const string MeterWildcard = "T1.*";

    public static IServiceCollection AddT1Telemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(MeterWildcard).AddPrometheusExporter());
        return services;
    }

    public static void MapT1Metrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Roles.Viewer).ExcludeFromDescription();
}
