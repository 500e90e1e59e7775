using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using T1.Server;
using T1.Server.Hosting;
using T1.Storage.Database;

namespace T1.Cli;

/// <summary>Builds the options and the host for a command from configuration plus its global flags.</summary>
internal static class CliServices
{
    public static T1Options Options(ParseResult parse, Action<Dictionary<string, string?>>? more = null)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(GlobalOptions.Database) is { Length: > 0 } db) overrides["T1:Database:ConnectionString"] = db;
        if (parse.GetValue(GlobalOptions.DataDir) is { Length: > 0 } dir) overrides["T1:DataDirectory"] = dir;
        more?.Invoke(overrides);
        return ConfigurationLoader.Bind(ConfigurationLoader.Build(overrides));
    }

    /// <summary>A started host (migrated database; a worker when asked). Dispose stops it.</summary>
    /// <param name="signals">Whether Ctrl+C stops the host; false for commands that handle it themselves (<see cref="InterruptSignal"/>).</param>
    public static async Task<IHost> StartAsync(T1Options options, bool worker, bool verbose, CancellationToken ct, bool signals = true)
    {
        var host = WorkerApp.Build(options, worker, logging => Logging(logging, verbose), signals);
        await host.StartAsync(ct);
        return host;
    }

    public static void Logging(ILoggingBuilder logging, bool verbose)
    {
        logging.ClearProviders();
        // Scopes: a line logged during a step attempt says which (`=> run ID step ID try N`).
        logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; o.IncludeScopes = true; });
        // Without --verbose the command's own output says what happened; logs (with their stack
        // traces) would only repeat it. Errors still reach the user through CliErrors.
        logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.None);
        logging.AddFilter("Hangfire", verbose ? LogLevel.Information : LogLevel.None);
        logging.AddFilter("Microsoft.EntityFrameworkCore", verbose ? LogLevel.Warning : LogLevel.None);
        logging.AddFilter("Microsoft.Extensions.Hosting", verbose ? LogLevel.Warning : LogLevel.None);
    }

    /// <summary>Only the database, for read-only commands (no Hangfire, no worker).</summary>
    public static async Task<DatabaseFactory> DatabaseAsync(T1Options options, CancellationToken ct)
    {
        var db = new DatabaseFactory(options.Database, options.DataDirectory);
        await db.MigrateAsync(ct);
        return db;
    }

    public static T Get<T>(this IHost host) where T : notnull => host.Services.GetRequiredService<T>();
}
