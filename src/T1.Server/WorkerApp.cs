using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using T1.Server.Hosting;

namespace T1.Server;

/// <summary>A process that runs steps: `t1 worker`, and the in-process worker of the embedded `t1 run`.</summary>
public static class WorkerApp
{
    /// <param name="signals">Whether Ctrl+C and SIGTERM stop the host; false when the caller handles them (<see cref="QuietLifetime"/>).</param>
    public static IHost Build(T1Options options, bool worker = true, Action<ILoggingBuilder>? logging = null, bool signals = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddT1(options, worker);
        builder.Services.AddT1Telemetry(options, web: false);
        if (!signals) builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        return builder.Build();
    }
}
