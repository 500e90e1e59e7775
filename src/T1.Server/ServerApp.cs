using System.Net;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using T1.Server.Api;
using T1.Server.Hosting;

namespace T1.Server;

/// <summary>The web host of `t1 serve`: JSON API under <c>/api</c>, Hangfire dashboard at <c>/hangfire</c>, and (by default) a worker.</summary>
public static class ServerApp
{
    public static WebApplication Build(T1Options options, string urls, bool worker, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        if (logging is not null) logging(builder.Logging);
        builder.Services.AddT1(options, worker);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        var app = builder.Build();

        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ApiErrors.StatusFor });
        app.UseStatusCodePages();
        app.MapGet("/", () => Results.Redirect("/hangfire"));
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapT1Api();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "T1 Platform · jobs",
            // Until portal login lands (issue 5) the dashboard is open only to loopback clients.
            Authorization = [new LoopbackOnlyAuthorization()],
            AppPath = "/",
        });
        return app;
    }

    private sealed class LoopbackOnlyAuthorization : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var remote = context.GetHttpContext().Connection.RemoteIpAddress;
            return remote is null || IPAddress.IsLoopback(remote);
        }
    }
}
