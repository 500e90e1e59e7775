using System.Globalization;
using Spectre.Console;
using T1.Ml.Planning;

namespace T1.Cli;

/// <summary>Prints a memory plan: one row per step phase with its parts, the peak phase of each step in bold.</summary>
internal static class PlanPrinter
{
    private static readonly MemoryComponent[] Columns = Enum.GetValues<MemoryComponent>();

    public static void Print(MemoryPlan plan, long device, string deviceText, bool verbose)
    {
        AnsiConsole.MarkupLine($"memory plan of [bold]{Markup.Escape(plan.Workflow)}[/] for a device of {Markup.Escape(deviceText)}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("step");
        table.AddColumn("phase");
        foreach (var c in Columns) table.AddColumn(new TableColumn(MemoryPlan.Name(c)).RightAligned());
        table.AddColumn(new TableColumn("total").RightAligned());
        table.AddColumn("fits");
        foreach (var step in plan.Steps.Where(s => s.Estimate is not null))
        {
            var peak = step.Estimate!.Peak;
            var first = true;
            foreach (var phase in step.Estimate.Phases)
            {
                bool isPeak = ReferenceEquals(phase, peak);
                var cells = new List<string> { first ? Markup.Escape(step.StepId) : "", isPeak ? $"[bold]{phase.Name}[/]" : phase.Name };
                cells.AddRange(Columns.Select(c => phase.Of(c) is var b && b > 0 ? DataSize.Format(b) : ""));
                cells.Add(isPeak ? $"[bold]{DataSize.Format(phase.Total)}[/]" : DataSize.Format(phase.Total));
                cells.Add(!isPeak ? "" : phase.Total <= device ? $"[green]yes[/] ({Share(phase.Total, device)})" : $"[red]no[/] ({Share(phase.Total, device)})");
                table.AddRow(cells.ToArray());
                first = false;
            }
        }
        AnsiConsole.Write(table);
        foreach (var step in plan.Steps)
        {
            var text = step.Model is { } m
                ? $"{step.StepId}: {m.Shape}, {m.Source}, device {step.Device}"
                : $"{step.StepId}: not planned: {step.Skipped}";
            AnsiConsole.MarkupLine(step.Model is null ? $"[yellow]{Markup.Escape(text)}[/]" : Markup.Escape(text));
            if (!verbose || step.Estimate is null) continue;
            foreach (var part in step.Estimate.Peak.Parts.Where(p => p.Bytes > 0))
                AnsiConsole.MarkupLine($"    {MemoryPlan.Name(part.Component),-12} {DataSize.Format(part.Bytes),10}  {Markup.Escape(part.Formula)}");
        }
        AnsiConsole.MarkupLine("[grey]Worst cases: every sequence as long as max_len / max_new_tokens / the largest budget allow; bold = the step's peak phase.[/]");
    }

    private static string Share(long bytes, long device) => (100.0 * bytes / device).ToString("0", CultureInfo.InvariantCulture) + "%";
}
