using Spectre.Console;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Cli;

/// <summary>
/// Follows a run until it is final: a live progress bar per step on a terminal, one line per
/// state change when output is redirected (CI logs). Ends with the run's summary table.
/// </summary>
internal static class RunWatcher
{
    public static async Task<RunStatus> WatchAsync(RunQueries queries, string runId, CancellationToken ct)
    {
        RunDetails details;
        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            details = await LiveAsync(queries, runId, ct);
        else
            details = await LinesAsync(queries, runId, ct);
        RunPrinter.Print(details);
        return details.Run.Status;
    }

    private static async Task<RunDetails> LiveAsync(RunQueries queries, string runId, CancellationToken ct)
    {
        RunDetails details = await ReadAsync(queries, runId, ct);
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = details.Steps.ToDictionary(s => s.StepId, s => ctx.AddTask(Label(s), autoStart: false, maxValue: 1));
                while (true)
                {
                    details = await ReadAsync(queries, runId, ct);
                    foreach (var s in details.Steps)
                    {
                        var t = tasks[s.StepId];
                        t.Description = Label(s);
                        if (s.Status == StepStatus.Running && !t.IsStarted) t.StartTask();
                        if (s.Status == StepStatus.Running && s.ProgressTotal is > 0)
                            t.Value = Math.Clamp(s.ProgressDone!.Value / s.ProgressTotal.Value, 0, 0.999);
                        if (s.Status.IsFinal() && !t.IsFinished)
                        {
                            if (!t.IsStarted) t.StartTask();
                            t.Value = s.Status == StepStatus.Succeeded ? 1 : t.Value;
                            t.StopTask();
                        }
                    }
                    if (details.Run.Status.IsFinal() && details.Steps.All(s => s.Status != StepStatus.Running)) return;
                    await Task.Delay(250, ct);
                }
            });
        return details;
    }

    private static async Task<RunDetails> LinesAsync(RunQueries queries, string runId, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>();
        var lastProgress = new Dictionary<string, int>();
        while (true)
        {
            var details = await ReadAsync(queries, runId, ct);
            foreach (var s in details.Steps)
            {
                var state = $"{s.Status}/{s.Attempt}";
                if (!seen.TryGetValue(s.StepId, out var old) || old != state)
                {
                    seen[s.StepId] = state;
                    if (s.Status != StepStatus.Pending)
                        Console.WriteLine($"{DateTime.Now:HH:mm:ss} {s.StepId,-16} {Status(s)}{(s.Error is { } e && s.Status != StepStatus.Succeeded ? " — " + e : "")}");
                }
                if (s.Status == StepStatus.Running && s.ProgressTotal is > 0)
                {
                    var pct = (int)(100 * s.ProgressDone!.Value / s.ProgressTotal.Value) / 10 * 10;
                    if (!lastProgress.TryGetValue(s.StepId, out var p) || pct > p)
                    {
                        lastProgress[s.StepId] = pct;
                        if (pct > 0) Console.WriteLine($"{DateTime.Now:HH:mm:ss} {s.StepId,-16} {pct,3}% {s.ProgressMessage}");
                    }
                }
            }
            if (details.Run.Status.IsFinal() && details.Steps.All(s => s.Status != StepStatus.Running)) return details;
            await Task.Delay(250, ct);
        }
    }

    /// <summary>
    /// Reads the run, riding out a database outage (a restart, a network cut): following a run
    /// only reads, so it retries — up to 2 s apart, saying so once — and the exit code stays the
    /// run's own outcome, not the outage's.
    /// </summary>
    private static async Task<RunDetails> ReadAsync(RunQueries queries, string runId, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var said = false;
        while (true)
        {
            try
            {
                var details = (await queries.GetAsync(runId, ct))!;
                if (said) Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} database reachable again; following run {runId}");
                return details;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsTransient(e))
            {
                if (!said) Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} database unreachable ({e.Message}); retrying (the run goes on without this process)");
                said = true;
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException => true,
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    private static string Label(StepRunRecord s) => $"{Markup.Escape(s.StepId)} [grey]{Markup.Escape(Status(s))}[/]";

    internal static string Status(StepRunRecord s) => s.Status switch
    {
        StepStatus.Running => $"running (attempt {s.Attempt})",
        StepStatus.Succeeded when s.CachedFromRunId is not null => $"cached (from run {s.CachedFromRunId})",
        StepStatus.Queued when s.Failures > 0 => "waiting to retry",
        var x => x.ToString().ToLowerInvariant(),
    };
}
