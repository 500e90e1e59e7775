using System.Globalization;

namespace T1.Bench.Handoff;

/// <summary>Command line of the benchmark (and of its `--raw-worker` child processes).</summary>
public sealed class BenchOptions
{
    /// <summary>Superuser connection string; the benchmark creates (and drops) its own databases.</summary>
    public string Postgres { get; private set; } = Environment.GetEnvironmentVariable("T1_TEST_POSTGRES") ?? "";
    /// <summary>Steps per chain (hand-offs measured per chain: Steps − 1).</summary>
    public int Steps { get; private set; } = 50;
    /// <summary>Measured chains per side, alternating T1 and raw.</summary>
    public int Chains { get; private set; } = 3;
    /// <summary>Steps of the discarded warm-up chain per side.</summary>
    public int Warmup { get; private set; } = 12;
    /// <summary>Worker processes per side (each with 2 Hangfire workers, T1's default).</summary>
    public int Workers { get; private set; } = 2;
    /// <summary>The built `t1` CLI (src/T1.Cli/bin/&lt;Configuration&gt;/net10.0/t1.dll).</summary>
    public string T1Dll { get; private set; } = DefaultT1Dll();
    public string Dotnet { get; private set; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    /// <summary>Keep the databases afterwards (for inspection).</summary>
    public bool Keep { get; private set; }
    public bool RawWorker { get; private set; }
    public string? TimesFile { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--postgres": o.Postgres = Next(); break;
                case "--steps": o.Steps = NextInt(); break;
                case "--chains": o.Chains = NextInt(); break;
                case "--warmup": o.Warmup = NextInt(); break;
                case "--workers": o.Workers = NextInt(); break;
                case "--t1": o.T1Dll = Path.GetFullPath(Next()); break;
                case "--dotnet": o.Dotnet = Next(); break;
                case "--keep": o.Keep = true; break;
                case "--raw-worker": o.RawWorker = true; break;
                case "--times": o.TimesFile = Next(); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'; see bench/RESULTS.md for the usage");
            }
        }
        if (string.IsNullOrWhiteSpace(o.Postgres))
            throw new ArgumentException("give --postgres \"Host=…;Username=…;Password=…\" (a user allowed to create databases) or set T1_TEST_POSTGRES (eval \"$(scripts/test.sh --env-only)\")");
        if (o.Steps < 2 || o.Chains < 1 || o.Workers < 1 || o.Warmup < 2) throw new ArgumentException("--steps and --warmup need ≥ 2, --chains and --workers ≥ 1");
        if (!o.RawWorker && !File.Exists(o.T1Dll))
            throw new ArgumentException($"t1 CLI not found at {o.T1Dll}; build it (dotnet build src/T1.Cli -c Release) or pass --t1 PATH/t1.dll");
        if (o.RawWorker && o.TimesFile is null) throw new ArgumentException("--raw-worker needs --times FILE");
        return o;
    }

    private static string DefaultT1Dll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln")))
                return Path.Combine(dir.FullName, "src", "T1.Cli", "bin", configuration, "net10.0", "t1.dll");
        return "t1.dll";
    }
}
