using System.Globalization;
using Hangfire;
using Npgsql;
using T1.Bench.Handoff;

// Step hand-off latency (previous step's end → next step's start) across processes, T1 engine vs raw Hangfire.
// Usage: dotnet run -c Release --project bench/T1.Bench.Handoff -- --postgres "Host=…;Username=…;Password=…"
//        (or T1_TEST_POSTGRES from `eval "$(scripts/test.sh --env-only)"`). See bench/RESULTS.md.
var options = BenchOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var ct = cancel.Token;

if (options.RawWorker)
    return await RawChain.RunWorkerAsync(options.Postgres, options.TimesFile!, ct);

RawChain.ConfigureGlobal(GlobalConfiguration.Configuration);
var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"t1-bench-handoff-{stamp}")).FullName;
var engineDb = $"t1_bench_handoff_{stamp}_engine";
var rawDb = $"t1_bench_handoff_{stamp}_raw";
string Conn(string db) => new NpgsqlConnectionStringBuilder(options.Postgres) { Database = db, MaxPoolSize = 20 }.ConnectionString;

Console.WriteLine($"T1 step hand-off benchmark · {options.Steps}-step chains × {options.Chains} · {options.Workers} worker process(es) per side");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average {LoadAverage()}");
Console.WriteLine($"t1: {options.T1Dll}\nlogs: {work}");

await Admin($"CREATE DATABASE \"{engineDb}\"");
await Admin($"CREATE DATABASE \"{rawDb}\"");
var workers = new List<ChildProcess>();
try
{
    await using var engine = new EngineChain(Conn(engineDb), Path.Combine(work, "client"));
    await engine.StartAsync(ct); // migrations + Hangfire schema before any worker starts
    _ = new Hangfire.PostgreSql.PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(Conn(rawDb), RawChain.StorageOptions()), RawChain.StorageOptions());

    var self = Environment.ProcessPath!;
    var selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(RawChain).Assembly.Location } : [];
    for (var i = 1; i <= options.Workers; i++)
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, $"t1-worker-{i}")).FullName;
        workers.Add(ChildProcess.Start($"t1-worker-{i}", options.Dotnet,
            [options.T1Dll, "worker", "--queues", "cpu", "--database", Conn(engineDb), "--data-dir", Path.Combine(dir, ".t1")],
            "serving queues", work, dir));
        workers.Add(ChildProcess.Start($"raw-worker-{i}", self,
            [.. selfArgs, "--raw-worker", "--postgres", Conn(rawDb), "--times", Path.Combine(work, $"raw-times-{i}.tsv")],
            "ready", work, work));
    }
    foreach (var w in workers) await w.WaitReadyAsync(TimeSpan.FromSeconds(90));
    Console.WriteLine($"workers ready: {string.Join(", ", workers.Select(w => $"{w.Name} (pid {w.Pid})"))}");

    var timeout = TimeSpan.FromSeconds(30 + options.Steps * 2);
    // Warm-up (discarded): JIT, EF model, connection pools and Hangfire fetchers in every worker process.
    await engine.RunChainAsync("handoff-warmup", options.Warmup, timeout, ct);
    await RawChain.RunChainAsync(Conn(rawDb), work, "warmup", options.Warmup, timeout, ct);

    var t1 = new List<Handoff>();
    var raw = new List<Handoff>();
    for (var c = 1; c <= options.Chains; c++)
    {
        // Alternate the two so that background load on the machine hits both alike.
        var e = await engine.RunChainAsync($"handoff-{options.Steps}", options.Steps, timeout, ct);
        var r = await RawChain.RunChainAsync(Conn(rawDb), work, $"chain{c}", options.Steps, timeout, ct);
        Console.WriteLine($"chain {c}: T1 p50 {Stats.Of(e.Select(h => h.TotalMs).ToList()).P50:F1} ms · raw p50 {Stats.Of(r.Select(h => h.TotalMs).ToList()).P50:F1} ms");
        t1.AddRange(e);
        raw.AddRange(r);
    }

    Report.Print(t1, raw, options, LoadAverage());
    return 0;
}
finally
{
    foreach (var w in workers) w.Dispose();
    NpgsqlConnection.ClearAllPools();
    if (!options.Keep)
    {
        await Admin($"DROP DATABASE IF EXISTS \"{engineDb}\" WITH (FORCE)");
        await Admin($"DROP DATABASE IF EXISTS \"{rawDb}\" WITH (FORCE)");
    }
}

async Task Admin(string sql)
{
    await using var conn = new NpgsqlConnection(options.Postgres);
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand(sql, conn);
    await cmd.ExecuteNonQueryAsync();
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
