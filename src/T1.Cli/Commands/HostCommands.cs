using System.CommandLine;
using Microsoft.Extensions.Hosting;
using T1.Server;

namespace T1.Cli.Commands;

/// <summary>`t1 serve` (web host + API + dashboard) and `t1 worker` (runs steps of chosen queues).</summary>
internal static class HostCommands
{
    public static Command CreateServe()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var noWorker = new Option<bool>("--no-worker") { Description = "Do not run steps in this process (PostgreSQL only; then start `t1 worker` processes)." };
        var modelsOnly = new Option<bool>("--models-only") { Description = "Serve only the OpenAI-compatible model API (/v1) from the shared registry: for a GPU host beside the main server." };
        var cmd = new Command("serve", "Start the web host: portal at /, JSON API at /api (OpenAPI /openapi/v1.json), OpenAI-compatible model API at /v1, Hangfire dashboard at /hangfire, and a worker.") { urls, noWorker, modelsOnly };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = CliServices.Options(parse);
            if (parse.GetValue(modelsOnly)) return await ServeModelsAsync(options, parse.GetValue(urls)!, ct);
            var worker = !parse.GetValue(noWorker) || !options.Database.IsPostgres;
            var address = parse.GetValue(urls)!;
            await using var app = ServerApp.Build(options, address, worker, l => CliServices.Logging(l, verbose: true));
            await app.StartAsync(ct);
            Console.WriteLine($"T1 Platform serving on {address} (API {address}/api, dashboard {address}/hangfire) · database {new T1.Storage.Database.DatabaseFactory(options.Database, options.DataDirectory).Description}"
                + (worker ? $" · worker on queues {string.Join(",", options.Worker.Queues)}" : " · no worker")
                + $" · portal {address}/ · {ServerApp.AccessLine(app)}. Ctrl+C stops.");
            await app.WaitForShutdownAsync(ct);
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static async Task<int> ServeModelsAsync(T1.Server.Hosting.T1Options options, string address, CancellationToken ct)
    {
        await using var app = T1.Server.Serving.ServingApp.Build(options, address, l => CliServices.Logging(l, verbose: true));
        await app.StartAsync(ct);
        Console.WriteLine($"T1 Platform serving models on {address}/v1 (GET /v1/models, POST /v1/chat/completions) on device {options.Serving.Device} · native heap {T1.Ml.Compute.NativeHeap.Applied} · database {new T1.Storage.Database.DatabaseFactory(options.Database, options.DataDirectory).Description} · {ServerApp.AccessLine(app)}. Ctrl+C stops.");
        await app.WaitForShutdownAsync(ct);
        return CliErrors.Ok;
    }

    public static Command CreateWorker()
    {
        var queues = new Option<string?>("--queues", "-q") { Description = "Comma-separated queues to serve, in priority order (default gpu,cpu)." };
        var count = new Option<int?>("--count", "-c") { Description = "Steps to run at once (default 2)." };
        var cmd = new Command("worker", "Run steps from the given queues (needs PostgreSQL to share work with other processes).") { queues, count };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = CliServices.Options(parse, o =>
            {
                if (parse.GetValue(queues) is { } q) o["T1:Worker:Queues:0"] = q;
                if (parse.GetValue(count) is { } c) o["T1:Worker:Count"] = c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            });
            if (!options.Database.IsPostgres)
                throw new CliException("`t1 worker` shares work through PostgreSQL; give --database \"Host=…;Database=…;Username=…;Password=…\" or set T1__Database__ConnectionString. (With the embedded SQLite default, `t1 run` and `t1 serve` run steps themselves.)");
            using var host = await CliServices.StartAsync(options, worker: true, verbose: true, ct);
            Console.WriteLine($"worker {options.Worker.Name} serving queues {string.Join(",", options.Worker.Queues)} with {options.Worker.Count} slot(s). Ctrl+C stops.");
            await host.WaitForShutdownAsync(ct);
            return CliErrors.Ok;
        });
        return cmd;
    }
}
