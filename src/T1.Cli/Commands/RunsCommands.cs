using System.CommandLine;
using Spectre.Console;
using T1.Server.Hosting;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Cli.Commands;

/// <summary>`t1 runs`, `t1 show`, `t1 cancel`, `t1 resume`.</summary>
internal static class RunsCommands
{
    private static readonly Argument<string> RunId = new("run-id") { Description = "A run id, or a unique prefix of one (see `t1 runs`)." };

    public static Command CreateList()
    {
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs to list (newest first).", DefaultValueFactory = _ => 20 };
        var workflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow." };
        var cmd = new Command("runs", "List recent runs.") { limit, workflow };
        cmd.SetAction(async (parse, ct) =>
        {
            var db = await CliServices.DatabaseAsync(CliServices.Options(parse), ct);
            await RunInterruption.InterruptOrphansAsync(db, Actor.Reconciler(RunOwner.Current.ToString()), ct);
            var runs = await new RunQueries(db).ListAsync(Math.Clamp(parse.GetValue(limit), 1, 10_000), 0, parse.GetValue(workflow), null, ct);
            if (runs.Count == 0)
            {
                Console.WriteLine($"no runs yet in {db.Description}; start one with `t1 run workflows/hello.yaml` or `t1 demo`.");
                return CliErrors.Ok;
            }
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("run", "workflow", "version", "status", "trigger", "started", "duration");
            foreach (var r in runs)
                table.AddRow(r.Id, Markup.Escape(r.WorkflowName), $"v{r.DefinitionVersion}", $"[{RunPrinter.Color(r.Status)}]{r.Status.ToString().ToLowerInvariant()}[/]",
                    r.Trigger.ToString().ToLowerInvariant(), RunPrinter.Time(r.CreatedAt),
                    r.FinishedAt is { } f ? RunPrinter.Format(f - r.CreatedAt) : "");
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        });
        return cmd;
    }

    public static Command CreateShow()
    {
        var history = new Option<bool>("--history") { Description = "Also list every state transition of the run and its steps: when, from, to, by whom (user, schedule, engine, worker, reconciler) and why — the errors of all attempts." };
        var cmd = new Command("show", "Show a run: steps, status, attempts, workers, durations, outputs, errors, artifacts; for evaluate steps, accuracy by thinking budget.") { RunId, history };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = CliServices.Options(parse);
            var db = await CliServices.DatabaseAsync(options, ct);
            var queries = new RunQueries(db);
            var run = await FindAsync(queries, parse.GetValue(RunId)!, ct);
            // A run whose embedded process was killed is interrupted, not running: say so before printing it.
            await RunInterruption.InterruptIfOrphanedAsync(db, run, Actor.Reconciler(RunOwner.Current.ToString()), ct);
            var details = (await queries.GetAsync(run.Id, ct))!;
            run = details.Run;
            RunPrinter.Print(details);
            var transitions = await queries.HistoryAsync(run.Id, ct);
            RunPrinter.PrintAttempts(AttemptHistory.From(transitions));
            if (parse.GetValue(history)) RunPrinter.PrintHistory(transitions);
            var cache = new ArtifactCache(db, T1Services.CreateArtifactStore(options), options.Engine);
            await EvaluationPrinter.PrintAsync(details, cache, RunCommand.ArtifactsLocation(options), ct);
            return run.Status is RunStatus.Failed ? CliErrors.RunFailed : CliErrors.Ok;
        });
        return cmd;
    }

    public static Command CreateCancel()
    {
        var cmd = new Command("cancel", "Cancel a running run: queued steps are cancelled, running steps stop at their next heartbeat.") { RunId };
        cmd.SetAction(async (parse, ct) =>
        {
            using var host = await CliServices.StartAsync(CliServices.Options(parse), worker: false, verbose: false, ct);
            var run = await FindAsync(host.Get<RunQueries>(), parse.GetValue(RunId)!, ct);
            if (!await host.Get<RunControl>().CancelAsync(run.Id, ct))
                throw new CliException($"run {run.Id} is already {run.Status.ToString().ToLowerInvariant()}; nothing to cancel.");
            Console.WriteLine($"run {run.Id} cancelled; running steps stop within a few seconds (`t1 show {run.Id}`).");
            return CliErrors.Ok;
        });
        return cmd;
    }

    public static Command CreateResume()
    {
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the run until it is final." };
        var worker = new Option<bool>("--worker") { Description = "Also run steps in this process (always so with the embedded SQLite default)." };
        var cmd = new Command("resume", "Re-run the failed, cancelled, interrupted and skipped steps of a run, reusing the outputs of steps that succeeded (a run whose process was killed counts as interrupted).") { RunId, wait, worker };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = CliServices.Options(parse);
            var embedded = !options.Database.IsPostgres;
            var local = embedded || parse.GetValue(worker);
            using var signal = local ? new InterruptSignal() : null;
            using var host = await CliServices.StartAsync(options, local, verbose: false, ct, signals: !local);
            var queries = host.Get<RunQueries>();
            var run = await FindAsync(queries, parse.GetValue(RunId)!, ct);
            switch (await host.Get<RunControl>().ResumeAsync(run.Id, ct))
            {
                case ResumeResult.StillRunning: throw new CliException($"run {run.Id} is still running (its process is alive, or a step is still stopping); wait for it or `t1 cancel {run.Id}` first.");
                case ResumeResult.NothingToDo: throw new CliException($"run {run.Id} succeeded; there is nothing to resume (start a new run with `t1 run`).");
                case ResumeResult.NotFound: throw new CliException($"no run '{run.Id}'.");
            }
            Console.WriteLine($"run {run.Id} resumed.");
            if (!embedded && !parse.GetValue(wait)) return CliErrors.Ok;
            var status = await RunCommand.FollowAsync(host, run.Id, signal, ct);
            await host.StopAsync(CancellationToken.None);
            return RunCommand.ExitCode(status);
        });
        return cmd;
    }

    private static async Task<RunRecord> FindAsync(RunQueries queries, string id, CancellationToken ct)
    {
        var found = await queries.FindAsync(id, ct);
        if (found.Run is not null) return found.Run;
        throw new CliException(found.Candidates.Count > 1
            ? $"run id '{id}' is ambiguous: {string.Join(", ", found.Candidates)}; give more characters."
            : $"no run '{id}'; `t1 runs` lists them (is --database / T1__Database__ConnectionString pointing at the right database?).");
    }
}
