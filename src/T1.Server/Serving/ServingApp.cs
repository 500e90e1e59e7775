using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using T1.Ml.Compute;
using T1.Server.Auth;
using T1.Server.Hosting;
using T1.Server.Security;

namespace T1.Server.Serving;

/// <summary>
/// `t1 serve --models-only`: a host for a GPU machine that serves only the model API (<c>/v1</c>) and
/// <c>/healthz</c> and <c>/metrics</c> from the shared registry and artifact store — no portal, no dashboard, no worker. Access works as
/// in `t1 serve` (open on loopback, API keys otherwise).
/// </summary>
public static class ServingApp
{
    public static WebApplication Build(T1Options options, string urls, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        if (logging is not null) logging(builder.Logging);
        if (string.IsNullOrWhiteSpace(options.Compute.NativeHeap)) options.Compute.NativeHeap = NativeHeap.ServingDefault; // before AddT1 applies it
        builder.Services.AddT1(options, worker: false);
        var mode = AccessMode.For(options.Auth, urls);
        builder.Services.AddT1Access(options, mode);
        builder.Services.AddServing(options);
        builder.Services.AddT1Telemetry(options, web: true);
        var app = builder.Build();
        app.UseT1Security(mode);
        app.UseServingErrors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous();
        app.MapServing();
        app.MapT1Metrics();
        return app;
    }
}
