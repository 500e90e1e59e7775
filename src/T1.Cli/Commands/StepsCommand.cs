using System.CommandLine;
using Spectre.Console;
using T1.Server.Hosting;
using T1.Workflows.Steps;

namespace T1.Cli.Commands;

/// <summary>`t1 steps`: the step types this build knows, from their one declaration.</summary>
internal static class StepsCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("type") { Description = "Show one step type in full.", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("steps", "List step types with their inputs and outputs.") { name };
        cmd.SetAction(parse =>
        {
            var catalog = StepCatalogs.Default;
            var only = parse.GetValue(name);
            if (only is not null && catalog.Find(only) is null)
                throw new CliException($"unknown step type '{only}'; known: {string.Join(", ", catalog.All.Select(t => t.Name))}.");
            foreach (var type in catalog.All.Where(t => only is null || t.Name == only))
            {
                AnsiConsole.MarkupLine($"[bold]{type.Name}[/] [grey]({Markup.Escape(type.Category)}, queue {type.DefaultQueue}, v{type.Version})[/] {Markup.Escape(type.Description)}");
                var table = new Table().Border(TableBorder.None).HideHeaders();
                table.AddColumns("", "", "", "");
                foreach (var i in type.Inputs)
                    table.AddRow("  in", Markup.Escape(i.Name) + (i.Required ? " [red]*[/]" : ""), Markup.Escape(Kind(i)), Markup.Escape(Describe(i)));
                foreach (var o in type.Outputs)
                    table.AddRow("  out", Markup.Escape(o.Name), o.Kind.ToString().ToLowerInvariant(), Markup.Escape(o.Description));
                AnsiConsole.Write(table);
            }
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static string Kind(StepInputDescriptor i) =>
        i.Kind == ValueKind.List && i.ElementKind is { } e ? $"list of {e.ToString().ToLowerInvariant()}" : i.Kind.ToString().ToLowerInvariant();

    private static string Describe(StepInputDescriptor i)
    {
        var parts = new List<string> { i.Description };
        if (i.DefaultValue is { } d) parts.Add($"default {(d is TimeSpan t ? Durations.Format(t) : d is System.Collections.IEnumerable en and not string ? "[" + string.Join(", ", en.Cast<object>()) + "]" : d)}");
        if (i.Minimum is { } min && i.Maximum is { } max) parts.Add($"range {min}..{(max >= int.MaxValue ? "∞" : max)}");
        if (i.OneOf is { } one) parts.Add("one of " + string.Join("|", one));
        return string.Join("; ", parts.Where(p => p.Length > 0));
    }
}
