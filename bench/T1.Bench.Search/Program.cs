using System.Diagnostics;
using System.Globalization;
using Npgsql;
using T1.Bench.Search;
using T1.Server.Portal.Search;
using T1.Storage.Database;

// Runs search over N runs on PostgreSQL: what the runs page does per search (count + one sorted page of 25, then the
// picked metric columns of that page), timed after warm-up. Target (issue 15): < 300 ms with 10 000 runs.
// Usage: dotnet run -c Release --project bench/T1.Bench.Search -- [--runs 10000] [--repeat 30] [--postgres "Host=…"]
//        (default: T1_TEST_POSTGRES from `eval "$(scripts/test.sh --env-only)"`; a fresh database is created and dropped).
var runs = Arg("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 10_000;
var repeat = Arg("--repeat") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 30;
var admin = Arg("--postgres") ?? Environment.GetEnvironmentVariable("T1_TEST_POSTGRES")
    ?? throw new InvalidOperationException("give --postgres \"Host=…\" or run `eval \"$(scripts/test.sh --env-only)\"` first (T1_TEST_POSTGRES)");
var name = "t1_bench_search_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
await Admin($"CREATE DATABASE {name}");
try
{
    var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    var database = new DatabaseFactory(new DatabaseOptions { Provider = "postgres", ConnectionString = cs });
    await database.MigrateAsync();
    var seed = Stopwatch.StartNew();
    var metricRows = await Seeder.SeedAsync(cs, runs);
    Console.WriteLine($"runs search benchmark · PostgreSQL · {runs:N0} runs, {metricRows:N0} metric points, {runs / 10:N0} tags (seeded in {seed.Elapsed.TotalSeconds:0.0} s)");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}; {repeat} timed searches each after 3 warm-ups");
    Console.WriteLine();
    Console.WriteLine("| search | sort | matches | median ms | p95 ms | max ms |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|");
    var search = new RunSearch(database);
    (string Query, string Sort)[] cases =
    [
        ("", "created"),
        ("params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded and workflow ~ \"t1\"", "created"),
        ("params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded and workflow ~ \"t1\"", "metrics.accuracy@128"),
        ("tags.team = ml or params.task in (countdown, linear) and started_by = ann", "params.lr"),
        ("metrics.loss < 0.5 and created >= 2026-11-01 and duration > 600", "duration"),
    ];
    var worst = 0.0;
    foreach (var (query, sort) in cases)
    {
        var times = new List<double>();
        var total = 0;
        for (var i = 0; i < repeat + 3; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = await search.SearchAsync(query, sort, descending: true, 0, 25);
            await search.LastMetricsAsync(page.Rows.Select(x => x.Id).ToList(), ["accuracy@128", "accuracy@256", "loss"]);
            if (i >= 3) times.Add(clock.Elapsed.TotalMilliseconds);
            total = page.Total;
        }
        times.Sort();
        var median = times[times.Count / 2];
        var p95 = times[(int)Math.Ceiling(0.95 * times.Count) - 1];
        worst = Math.Max(worst, p95);
        Console.WriteLine($"| `{(query.Length == 0 ? "(none)" : query.Replace("|", "\\|"))}` | {sort} | {total:N0} | {median:0.0} | {p95:0.0} | {times[^1]:0.0} |");
    }
    Console.WriteLine();
    Console.WriteLine($"worst p95 {worst:0.0} ms against the 300 ms target: {(worst < 300 ? "met" : "NOT met")}; load average after {LoadAverage()}");
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await Admin($"DROP DATABASE IF EXISTS {name}");
}

string? Arg(string flag) => Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

async Task Admin(string sql)
{
    await using var conn = new NpgsqlConnection(admin);
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand(sql, conn);
    await cmd.ExecuteNonQueryAsync();
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
