using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;
using T1.Server.Api;
using T1.Server.Auth;
using T1.Server.Hosting;
using T1.Server.Portal;
using T1.Server.Security;
using T1.Server.Serving;

namespace T1.Server;

/// <summary>
/// The web host of `t1 serve`: portal at <c>/</c>, JSON API under <c>/api</c> (OpenAPI at <c>/openapi/v1.json</c>,
/// browsable at <c>/scalar/v1</c>), Hangfire dashboard at <c>/hangfire</c>, and (by default) a worker.
/// Sign-in is required unless every listen address is loopback (see <see cref="AccessMode"/>).
/// </summary>
public static class ServerApp
{
    public static WebApplication Build(T1Options options, string urls, bool worker, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        if (logging is not null) logging(builder.Logging);
        builder.Services.AddT1(options, worker, reconcile: true);
        builder.Services.AddPortal(); // before access: sign-in mode replaces the portal's authentication state provider
        var mode = AccessMode.For(options.Auth, urls);
        builder.Services.AddT1Access(options, mode);
        builder.Services.AddServing(options);
        builder.Services.AddT1Telemetry(options, web: true);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddT1OpenApi();
        var app = builder.Build();

        app.UseT1Security(mode);
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ApiErrors.StatusFor });
        app.UseStatusCodePages();
        app.UseServingErrors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapT1Api();
        app.MapServing();
        app.MapT1Metrics();
        app.MapKeysApi();
        app.MapUsersApi();
        app.MapAccountEndpoints();
        app.MapOpenApi().AllowAnonymous();
        // Offline: Scalar's script is served from its own assembly; no web fonts, no telemetry (nothing leaves this server).
        app.MapScalarApiReference(o => o.WithTitle("T1 Platform API").DisableDefaultFonts().DisableTelemetry()).AllowAnonymous();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "T1 Platform · jobs",
            // The endpoint requires an operator (cookie or API key); the filter says the same inside Hangfire.
            Authorization = [new OperatorAuthorization()],
            AppPath = "/",
        }).RequireAuthorization(Roles.Operator);
        app.MapPortal();
        return app;
    }

    /// <summary>What the start-up line says about access (open on loopback, or sign-in and the first admin's password).</summary>
    public static string AccessLine(WebApplication app) => app.Services.GetRequiredService<AccessStatus>().Line;

    private sealed class OperatorAuthorization : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Operator);
    }
}
