using System.CommandLine;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using T1.Server.Hosting;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;

namespace T1.Cli.Commands;

/// <summary>`t1 run FILE` and `t1 demo`.</summary>
internal static class RunCommand
{
    internal static readonly Option<string[]> Params = new("--param", "-p")
    {
        Description = "Override a workflow param: --param name=value (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };
    private static readonly Option<bool> Wait = new("--wait", "-w") { Description = "Show live progress and exit non-zero if the run fails." };
    private static readonly Option<bool> Worker = new("--worker") { Description = "Also run steps in this process (always so with the embedded SQLite default)." };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Print engine and step logs." };
    private static readonly Option<bool> NoPlanCheck = new("--no-plan-check") { Description = "Start even when the memory plan (t1 plan) says a step cannot fit the device." };
    private static readonly Option<bool> NoCache = new("--no-cache") { Description = "Run every step, reusing no earlier result (as `cache: false` on each step)." };

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Workflow YAML file." };
        var cmd = new Command("run", "Store a workflow (versioned by content) and run it.") { file, Params, Wait, Worker, Verbose, NoPlanCheck, PlanCommand.DeviceMemory, NoCache };
        cmd.SetAction((parse, ct) => RunAsync(parse, ValidateCommand.LoadOrThrow(parse.GetValue(file)!), ct));
        return cmd;
    }

    public static Command CreateDemo()
    {
        var cmd = new Command("demo", "Run the T1 pipeline (workflows/t1-tiny.yaml: synthesize, SFT, RL, budget evaluation, promotion) on the embedded default and show the result; --param overrides its params.") { Params, Verbose, NoCache };
        cmd.SetAction((parse, ct) =>
        {
            var (text, name) = DemoWorkflow();
            var result = WorkflowLoader.Load(text, name, StepCatalogs.Default);
            var definition = result.Definition ?? throw new CliException("the built-in demo workflow does not validate: " + string.Join("; ", result.Diagnostics));
            return RunAsync(parse, definition, ct, forceWait: true);
        });
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult parse, WorkflowDefinition definition, CancellationToken ct, bool forceWait = false)
    {
        var options = CliServices.Options(parse);
        var overrides = ParseParams(parse.GetValue(Params) ?? []);
        var embedded = !options.Database.IsPostgres;
        var inProcessWorker = embedded || parse.GetValue(Worker);
        var wait = forceWait || parse.GetValue(Wait) || embedded;
        var verbose = parse.GetValue(Verbose);
        PlanCommand.CheckBeforeRun(parse, options, definition, overrides, skip: parse.GetValue(NoPlanCheck));

        // Steps in this process: Ctrl+C interrupts the run at a safe point instead of killing the process under them.
        using var signal = inProcessWorker ? new InterruptSignal() : null;
        using var host = await CliServices.StartAsync(options, inProcessWorker, verbose, ct, signals: !inProcessWorker);
        var run = await host.Get<WorkflowEngine>().StartRunAsync(definition, overrides, RunTrigger.Cli, ct, parse.GetValue(NoCache), Environment.UserName);
        Console.WriteLine($"run {run.Id} · {definition.Name} v{run.DefinitionVersion} · {definition.Steps.Count} step(s) · {host.Get<DatabaseFactory>().Description}");
        if (definition.Schedule is not null)
            Console.WriteLine($"  note: this workflow has schedule \"{definition.Schedule}\"; `t1 register` activates it (a run does not).");
        if (!wait)
        {
            Console.WriteLine($"  queued; follow it with `t1 show {run.Id}` (steps run on `t1 worker` processes serving their queues).");
            return CliErrors.Ok;
        }
        if (embedded && !parse.GetValue(Wait) && !forceWait)
            Console.WriteLine("  embedded mode: running the steps in this process (Ctrl+C interrupts; `t1 resume` continues).");
        var status = await FollowAsync(host, run.Id, signal, ct);
        if (await host.Get<RunQueries>().GetAsync(run.Id, ct) is { } details)
            await EvaluationPrinter.PrintAsync(details, host.Get<ArtifactCache>(), ArtifactsLocation(options), ct);
        await host.StopAsync(CancellationToken.None);
        return ExitCode(status);
    }

    /// <summary>
    /// Follows the run until it is final and no attempt runs. The first Ctrl+C (with a
    /// <paramref name="signal"/>) interrupts it: the step stops at a safe point and records
    /// Interrupted before this returns, so the host is stopped only once no step code runs.
    /// </summary>
    internal static async Task<RunStatus> FollowAsync(IHost host, string runId, InterruptSignal? signal, CancellationToken ct)
    {
        signal?.OnFirst(async name =>
        {
            Console.Error.WriteLine($"{name}: interrupting run {runId}; its running step stops at the next safe point (Ctrl+C again changes nothing).");
            await host.Get<RunControl>().InterruptAsync(runId, Actor.User, $"{name} on `t1 run` (process {Environment.ProcessId})");
        });
        var status = await RunWatcher.WatchAsync(host.Get<RunQueries>(), runId, ct);
        if (status == RunStatus.Interrupted)
            Console.WriteLine($"run {runId} interrupted; `t1 resume {runId}` continues it (steps that saved state resume from it).");
        return status;
    }

    internal static int ExitCode(RunStatus status) => status switch
    {
        RunStatus.Succeeded => CliErrors.Ok,
        RunStatus.Interrupted => CliErrors.Interrupted,
        _ => CliErrors.RunFailed,
    };

    /// <summary>Where a user finds the artifacts: the local folder, or the S3 bucket.</summary>
    internal static string ArtifactsLocation(T1Options options) =>
        options.Artifacts.Provider == "s3"
            ? $"s3://{options.Artifacts.S3.Bucket} at {options.Artifacts.S3.Endpoint}"
            : Path.GetFullPath(options.Artifacts.Path is { Length: > 0 } p ? p : Path.Combine(options.DataDirectory, "artifacts"));

    internal static Dictionary<string, string> ParseParams(IEnumerable<string> items)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw new CliException($"--param '{item}' must look like name=value");
            result[item[..eq].Trim()] = item[(eq + 1)..];
        }
        return result;
    }

    /// <summary>The demo workflow shipped inside the CLI (a copy of workflows/t1-tiny.yaml).</summary>
    internal static (string Text, string Name) DemoWorkflow()
    {
        const string resource = "T1.Cli.demo.yaml";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new CliException("the demo workflow is missing from this build of t1");
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), "workflows/t1-tiny.yaml");
    }
}
