using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using T1.Server;
using T1.Server.Hosting;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;

namespace T1.Bench.Handoff;

/// <summary>
/// The platform side: this process is a client only (starts runs, reads step rows); steps run in
/// separate `t1 worker` processes. Hand-off = next step's StartedAt − previous step's FinishedAt.
/// </summary>
public sealed class EngineChain(string connectionString, string dataDirectory) : IAsyncDisposable
{
    private IHost? _host;

    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(dataDirectory);
        var options = ConfigurationLoader.Bind(ConfigurationLoader.Build(new Dictionary<string, string?>
        {
            ["T1:Database:ConnectionString"] = connectionString,
            ["T1:DataDirectory"] = dataDirectory,
        }, dataDirectory));
        _host = WorkerApp.Build(options, worker: false);
        await _host.StartAsync(ct); // migrates the database
    }

    /// <summary>A chain of <paramref name="steps"/> no-op steps (sleep 0 s), each needing the one before, never cached.</summary>
    public static string ChainYaml(string name, int steps)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine($"name: {name}").AppendLine("description: step hand-off benchmark (bench/T1.Bench.Handoff)").AppendLine("steps:");
        for (var i = 1; i <= steps; i++)
        {
            yaml.AppendLine($"  - id: s{i:D3}").AppendLine("    uses: sleep").AppendLine("    queue: cpu").AppendLine("    cache: false");
            if (i > 1) yaml.AppendLine($"    needs: [s{i - 1:D3}]");
            yaml.AppendLine("    with: { duration: 0s }");
        }
        return yaml.ToString();
    }

    public async Task<List<Handoff>> RunChainAsync(string name, int steps, TimeSpan timeout, CancellationToken ct)
    {
        var services = _host!.Services;
        var load = WorkflowLoader.Load(ChainYaml(name, steps), name + ".yaml", StepCatalogs.Default);
        var definition = load.Definition ?? throw new InvalidOperationException("generated chain does not validate: " + string.Join("; ", load.Diagnostics));
        var run = await services.GetRequiredService<WorkflowEngine>().StartRunAsync(definition, new Dictionary<string, string>(), RunTrigger.Cli, ct);

        var database = services.GetRequiredService<DatabaseFactory>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await Task.Delay(200, ct);
            await using var db = database.Create();
            var status = await db.Runs.AsNoTracking().Where(r => r.Id == run.Id).Select(r => r.Status).FirstAsync(ct);
            if (status.IsFinal())
            {
                if (status != RunStatus.Succeeded) throw new InvalidOperationException($"run {run.Id} ended {status}; see the worker logs");
                break;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {run.Id} did not finish within {timeout.TotalSeconds:F0} s; are the workers running? see their logs");
        }

        List<StepRunRecord> rows;
        await using (var db = database.Create())
            rows = await db.StepRuns.AsNoTracking().Where(s => s.RunId == run.Id).OrderBy(s => s.StepId).ToListAsync(ct);
        var jobs = await HangfireTimes.ReadAsync(connectionString, "hangfire", ct);
        var handoffs = new List<Handoff>();
        for (var i = 1; i < rows.Count; i++)
        {
            jobs.TryGetValue(HangfireTimes.Key(run.Id, rows[i].StepId, null), out var job);
            handoffs.Add(new Handoff(rows[i - 1].FinishedAt!.Value, rows[i].StartedAt!.Value, job.Enqueued, job.Processing));
        }
        return handoffs;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
