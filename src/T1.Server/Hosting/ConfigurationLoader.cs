using Microsoft.Extensions.Configuration;

namespace T1.Server.Hosting;

/// <summary>Reads <see cref="T1Options"/> the same way for every entry point (CLI, server, worker, tests).</summary>
public static class ConfigurationLoader
{
    /// <summary>appsettings.json, t1.json, then environment variables, then explicit overrides (command-line flags).</summary>
    public static IConfiguration Build(IReadOnlyDictionary<string, string?>? overrides = null, string? workingDirectory = null)
    {
        var dir = workingDirectory ?? Directory.GetCurrentDirectory();
        return new ConfigurationBuilder()
            .SetBasePath(dir)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile("t1.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
    }

    public static T1Options Bind(IConfiguration configuration)
    {
        var options = new T1Options();
        configuration.GetSection(T1Options.Section).Bind(options);
        Normalise(options);
        return options;
    }

    /// <summary>Fills derived defaults: folders under <see cref="T1Options.DataDirectory"/>.</summary>
    public static void Normalise(T1Options o)
    {
        o.DataDirectory = Path.GetFullPath(o.DataDirectory);
        if (string.IsNullOrWhiteSpace(o.Artifacts.Path)) o.Artifacts.Path = Path.Combine(o.DataDirectory, "artifacts");
        if (o.Engine.WorkDirectory == Path.Combine(".t1", "work")) o.Engine.WorkDirectory = Path.Combine(o.DataDirectory, "work");
        if (o.Engine.CacheDirectory == Path.Combine(".t1", "cache")) o.Engine.CacheDirectory = Path.Combine(o.DataDirectory, "cache");
        o.Worker.Queues = o.Worker.Queues.SelectMany(q => q.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(q => q.ToLowerInvariant()).Distinct().ToArray();
        if (o.Worker.Queues.Length == 0) o.Worker.Queues = ["gpu", "cpu"];
        if (string.IsNullOrWhiteSpace(o.Worker.Name)) o.Worker.Name = $"{Environment.MachineName.ToLowerInvariant()}:{Environment.ProcessId}";
        o.Engine.WorkerName = o.Worker.Name;
    }
}
