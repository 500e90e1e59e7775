using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Cli;

/// <summary>Prints a run: header, a table of steps, and its artifacts.</summary>
internal static class RunPrinter
{
    public static void Print(RunDetails d)
    {
        var run = d.Run;
        var duration = run.FinishedAt is { } f ? Format(f - run.CreatedAt) : Format(DateTime.UtcNow - run.CreatedAt) + " so far";
        AnsiConsole.MarkupLine($"run [bold]{run.Id}[/] · {Markup.Escape(run.WorkflowName)} v{run.DefinitionVersion} · [{Color(run.Status)}]{run.Status.ToString().ToLowerInvariant()}[/] · {run.Trigger.ToString().ToLowerInvariant()} · started {Time(run.CreatedAt)} · {duration}");
        if (run.ParamsJson != "{}") AnsiConsole.MarkupLine($"params {Markup.Escape(run.ParamsJson)}");

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("step", "type", "queue", "status", "tries", "worker", "duration", "outputs / error");
        foreach (var s in d.Steps)
        {
            var took = s.StartedAt is { } a && s.FinishedAt is { } b ? Format(b - a) : s.StartedAt is { } a2 && s.Status == StepStatus.Running ? Format(DateTime.UtcNow - a2) : "";
            var detail = s.Status is StepStatus.Failed or StepStatus.Skipped or StepStatus.Cancelled or StepStatus.Interrupted || s.Status == StepStatus.Queued && s.Error is not null
                ? $"[red]{Markup.Escape(s.Error ?? "")}[/]"
                : Markup.Escape(Outputs(s.OutputsJson));
            table.AddRow(Markup.Escape(s.StepId), Markup.Escape(s.StepType), s.Queue, $"[{Color(s.Status)}]{Markup.Escape(RunWatcher.Status(s))}[/]",
                s.Attempt.ToString(), Markup.Escape(s.Worker ?? ""), took, detail);
        }
        AnsiConsole.Write(table);
        if (d.Artifacts.Count > 0)
        {
            var art = new Table().Border(TableBorder.Simple);
            art.AddColumns("step", "artifact", "kind", "size", "sha256");
            foreach (var a in d.Artifacts)
                art.AddRow(Markup.Escape(a.StepId), Markup.Escape(a.Name), $"{a.Kind} ({a.Layout})", Size(a.Size), a.Sha256[..16] + "…");
            AnsiConsole.Write(art);
        }
        if (run.Error is not null && run.Status != RunStatus.Succeeded) AnsiConsole.MarkupLine($"[red]{Markup.Escape(run.Error)}[/]");
    }

    /// <summary>Every try of every step with the worker that ran it, when, for how long and how it ended.</summary>
    public static void PrintAttempts(IReadOnlyList<AttemptSummary> attempts)
    {
        if (attempts.Count == 0) return;
        var table = new Table().Border(TableBorder.Simple).Title("attempts");
        table.AddColumns("step", "try", "worker", "started", "took", "ended");
        foreach (var a in attempts)
        {
            var took = a.EndedAt is { } end ? Format(end - a.StartedAt) : Format(DateTime.UtcNow - a.StartedAt) + " so far";
            var ended = a.Outcome is null ? "running" : a.Outcome + (a.Outcome == "succeeded" || a.Reason is null ? "" : ": " + a.Reason);
            table.AddRow(Markup.Escape(a.StepId), a.Attempt.ToString(CultureInfo.InvariantCulture), Markup.Escape(a.Worker), Time(a.StartedAt), took,
                Markup.Escape(ended.Length > 140 ? ended[..139] + "…" : ended));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>`t1 show --history`: every transition of the run and its steps, with who made it and why.</summary>
    public static void PrintHistory(IReadOnlyList<StateTransitionRecord> history)
    {
        var table = new Table().Border(TableBorder.Simple).Title("history");
        table.AddColumns("time", "step", "try", "from", "to", "by", "why");
        foreach (var t in history)
            table.AddRow(Time(t.At), Markup.Escape(t.StepId ?? "(run)"), t.Attempt is > 0 ? t.Attempt.Value.ToString(CultureInfo.InvariantCulture) : "",
                (t.From ?? "").ToLowerInvariant(), t.To.ToLowerInvariant(), Markup.Escape(t.By), Markup.Escape(t.Reason ?? ""));
        AnsiConsole.Write(table);
    }

    private static string Outputs(string? json)
    {
        if (json is null) return "";
        var o = JsonNode.Parse(json)!.AsObject();
        var text = string.Join(", ", o.Select(p => $"{p.Key}={Short(p.Value)}"));
        return text.Length > 100 ? text[..99] + "…" : text;
    }

    private static string Short(JsonNode? v)
    {
        var s = v is JsonValue jv && jv.TryGetValue<string>(out var str) ? str : v?.ToJsonString() ?? "null";
        return s.StartsWith("t1://artifacts/", StringComparison.Ordinal) ? "artifact:" + s[15..27] + "…" : s.Length > 40 ? s[..39] + "…" : s;
    }

    internal static string Color(RunStatus s) => s switch
    {
        RunStatus.Succeeded => "green", RunStatus.Failed => "red", RunStatus.Cancelled or RunStatus.Interrupted => "yellow", _ => "blue",
    };

    internal static string Color(StepStatus s) => s switch
    {
        StepStatus.Succeeded => "green", StepStatus.Failed => "red", StepStatus.Cancelled or StepStatus.Skipped or StepStatus.Interrupted => "yellow",
        StepStatus.Running => "blue", _ => "grey",
    };

    /// <summary>A stored UTC time as the user's local time, the way every CLI table shows it.</summary>
    internal static string Time(DateTime utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    internal static string Format(TimeSpan t) => t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.0}s" : t.TotalHours < 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{(int)t.TotalHours}h{t.Minutes:00}m";

    internal static string Size(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1 << 20 ? $"{bytes / 1024.0:0.0} KiB" : bytes < 1L << 30 ? $"{bytes / 1048576.0:0.0} MiB" : $"{bytes / 1073741824.0:0.00} GiB";
}
