using System.Globalization;
using Spectre.Console;
using T1.Ml.Evaluation;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Cli;

/// <summary>
/// The part of a run people came for: accuracy of every evaluated checkpoint at every thinking
/// budget side by side, the promotion decisions, and where the artifacts are.
/// </summary>
internal static class EvaluationPrinter
{
    /// <summary>Prints the budget table and decisions of <paramref name="run"/>; prints nothing when it has no evaluate step that succeeded.</summary>
    public static async Task PrintAsync(RunDetails run, ArtifactCache cache, string artifactsLocation, CancellationToken ct)
    {
        // the same reading of evaluate steps as the portal's run page: an unreadable report is shown, not thrown
        var reports = new List<(string Step, EvaluationReport Report, string Path)>();
        foreach (var e in await new RunEvaluations(cache).OfRunAsync(run, ct))
        {
            if (e.Report is null) AnsiConsole.MarkupLine($"  [red]{Markup.Escape($"cannot read the report of {e.StepId}: {e.Failure?.Message}")}[/]");
            else reports.Add((e.StepId, e.Report, await cache.GetLocalPathAsync(new ArtifactRef(e.Sha256), ct))); // already fetched: a lookup
        }
        if (reports.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]accuracy by thinking budget[/] [grey](95% interval)[/]");
            table.AddColumn("budget (thinking tokens)");
            foreach (var r in reports) table.AddColumn(new TableColumn(Markup.Escape(r.Step)).RightAligned());
            var budgets = reports.SelectMany(r => r.Report.Budgets.Select(b => b.Budget)).Distinct().Order();
            foreach (var b in budgets)
                table.AddRow([b.ToString(CultureInfo.InvariantCulture), .. reports.Select(r => Cell(r.Report, b))]);
            table.AddRow(["problems, mode", .. reports.Select(r => Markup.Escape(Mode(r.Report)))]);
            AnsiConsole.Write(table);
            foreach (var r in reports)
            {
                AnsiConsole.MarkupLine($"  {Markup.Escape(r.Step)}: {Curve(r.Report)}  chart: {Markup.Escape(Path.Combine(r.Path, EvaluationReport.ChartFileName))}");
                foreach (var b in r.Report.Budgets.Where(b => b.Comparison is not null))
                {
                    var color = b.Comparison!.Significant ? "green" : "grey";
                    AnsiConsole.MarkupLine($"    [{color}]{Markup.Escape(EvaluationLines.Comparison(b.Budget, b.Comparison, r.Report.Baseline?.Label))}[/]");
                }
            }
        }

        foreach (var s in run.Steps.Where(s => s.StepType == "promote" && s.Status == StepStatus.Succeeded))
        {
            var decision = Output(s, "decision");
            var color = decision == "promoted" ? "green" : "yellow";
            AnsiConsole.MarkupLine($"  {Markup.Escape(s.StepId)}: [{color}]{Markup.Escape(decision ?? "")}[/] v{Output(s, "version")} (champion v{Output(s, "champion")}) — {Markup.Escape(Output(s, "reason") ?? "")}");
        }
        if (reports.Count > 0)
            AnsiConsole.MarkupLine($"  artifacts: {Markup.Escape(artifactsLocation)} · details: t1 show {run.Run.Id} · registry: t1 models");
    }

    /// <summary>The primary figure with its interval (and greedy's when sampled is primary), thinking length and cut share.</summary>
    private static string Cell(EvaluationReport report, int budget)
    {
        if (report.Budgets.FirstOrDefault(x => x.Budget == budget) is not { } b) return "";
        var primary = b.Sampled ?? b.Greedy;
        var main = primary is null ? $"{b.Accuracy * 100:0.0}%" : EvaluationLines.Ci(primary.Accuracy, primary.CiLow, primary.CiHigh);
        var greedy = b.Sampled is not null && b.Greedy is { } g ? $"greedy {g.Accuracy * 100:0.0}%, " : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Markup.Escape(main)} [grey]({greedy}think {b.MeanThinkingTokens:0}, cut {b.TruncationRate * 100:0}%)[/]");
    }

    /// <summary>"66 problems, greedy" or "66 × 4 sampled at T=1 (pass@1), + greedy".</summary>
    private static string Mode(EvaluationReport r) => r.Samples > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{r.Problems} × {r.Samples} at T={r.Temperature} (pass@1) + greedy")
        : $"{r.Problems} problems, greedy";

    /// <summary>A one-line text sparkline of accuracy against budget.</summary>
    private static string Curve(EvaluationReport report)
    {
        const string bars = "▁▂▃▄▅▆▇█";
        var s = string.Concat(report.Budgets.Select(b => bars[Math.Clamp((int)Math.Round(b.Accuracy * (bars.Length - 1)), 0, bars.Length - 1)]));
        return $"accuracy vs budget {s}";
    }

    private static string? Output(StepRunRecord s, string name) => StepJson.Member(s.OutputsJson, name);
}
