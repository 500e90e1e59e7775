using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using T1.Workflows.Registry;

namespace T1.Cli.Commands;

/// <summary>`t1 models`, `t1 models show NAME`, `t1 models promote NAME VERSION` (aliases, archiving, descriptions: <see cref="ModelAliasCommands"/>).</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var cmd = new Command("models", "List registered models with their champion version (promote steps register versions).");
        cmd.SetAction(async (parse, ct) =>
        {
            var db = await CliServices.DatabaseAsync(CliServices.Options(parse), ct);
            var models = await new ModelRegistry(db).ListAsync(ct);
            if (models.Count == 0)
            {
                Console.WriteLine($"no models registered yet in {db.Description}; a workflow's promote step registers them (try `t1 demo`).");
                return CliErrors.Ok;
            }
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("model", "champion", "versions", "latest", "updated");
            foreach (var m in models)
                table.AddRow(Markup.Escape(m.Name), m.ChampionVersion is { } c ? $"[green]v{c}[/]" : "none", m.Versions.ToString(CultureInfo.InvariantCulture),
                    m.LatestVersion is { } l ? $"v{l}" : "", RunPrinter.Time(m.UpdatedAt));
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        });
        cmd.Subcommands.Add(CreateShow());
        cmd.Subcommands.Add(CreatePromote());
        cmd.Subcommands.Add(ModelAliasCommands.Aliases());
        cmd.Subcommands.Add(ModelAliasCommands.Archive(archive: true));
        cmd.Subcommands.Add(ModelAliasCommands.Archive(archive: false));
        cmd.Subcommands.Add(ModelAliasCommands.Describe());
        return cmd;
    }

    private static readonly Argument<string> Name = new("name") { Description = "The model's registry name (see `t1 models`)." };

    private static Command CreateShow()
    {
        var cmd = new Command("show", "A model's versions (checkpoint, accuracy per budget, producing run), its champion and every promotion decision.") { Name };
        cmd.SetAction(async (parse, ct) =>
        {
            var db = await CliServices.DatabaseAsync(CliServices.Options(parse), ct);
            var name = parse.GetValue(Name)!;
            var m = await new ModelRegistry(db).GetAsync(name, ct)
                    ?? throw new CliException($"model '{name}' is not registered in {db.Description}; `t1 models` lists the registered ones.");
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/]  champion: {(m.Model.ChampionVersion is { } c ? $"[green]v{c}[/]" : "none")}");

            var versions = new Table().Border(TableBorder.Simple).Title("versions");
            versions.AddColumns("version", "aliases", "accuracy by budget", "run", "step", "checkpoint", "created", "description");
            foreach (var v in m.Versions)
            {
                var acc = ModelRegistry.Accuracy(v).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value:0.###}");
                versions.AddRow((v.Version == m.Model.ChampionVersion ? "[green]" : "[default]") + $"v{v.Version}[/]" + (v.ArchivedAt is null ? "" : " [grey](archived)[/]"),
                    Markup.Escape(string.Join(", ", m.AliasesOf(v.Version))), string.Join(" ", acc),
                    v.RunId ?? "", Markup.Escape(v.StepId ?? ""), "t1://artifacts/" + v.CheckpointSha256[..12] + "…",
                    RunPrinter.Time(v.CreatedAt), Markup.Escape(v.Description ?? ""));
            }
            AnsiConsole.Write(versions);

            if (m.Aliases.Count > 0)
                AnsiConsole.MarkupLine("aliases: " + string.Join("  ", m.Aliases.Select(a => $"[bold]{Markup.Escape(a.Alias)}[/] → v{a.Version}")));
            if (m.AliasHistory.Count > 0)
            {
                var moves = new Table().Border(TableBorder.Simple).Title("alias moves (newest first)");
                moves.AddColumns("when", "alias", "from", "to", "by", "why");
                foreach (var e in m.AliasHistory)
                    moves.AddRow(RunPrinter.Time(e.At), Markup.Escape(e.Alias), e.FromVersion is { } f ? $"v{f}" : "—", e.ToVersion is { } t ? $"v{t}" : "removed",
                        Markup.Escape(e.By), Markup.Escape(e.Reason));
                AnsiConsole.Write(moves);
            }

            var decisions = new Table().Border(TableBorder.Simple).Title("decisions (newest first)");
            decisions.AddColumns("when", "candidate", "vs champion", "metric", "decision", "reason", "by");
            foreach (var d in m.Decisions)
                decisions.AddRow(RunPrinter.Time(d.DecidedAt), $"v{d.CandidateVersion}",
                    d.ChampionVersion is { } cv ? $"v{cv}" : "none", Markup.Escape(d.Metric),
                    d.Promoted ? "[green]promoted[/]" : "[yellow]kept[/]", Markup.Escape(d.Reason), Markup.Escape(d.DecidedBy));
            AnsiConsole.Write(decisions);
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static Command CreatePromote()
    {
        var version = new Argument<int>("version") { Description = "The version to make champion." };
        var cmd = new Command("promote", "Make a version the champion by hand; the decision is recorded with your user name.") { Name, version };
        cmd.SetAction(async (parse, ct) =>
        {
            var db = await CliServices.DatabaseAsync(CliServices.Options(parse), ct);
            try
            {
                var o = await new ModelRegistry(db).PromoteManuallyAsync(parse.GetValue(Name)!, parse.GetValue(version), Environment.UserName, ct);
                Console.WriteLine($"{o.Decision.ModelName}: champion is now v{o.Decision.CandidateVersion} (was {(o.Decision.ChampionVersion is { } c ? "v" + c : "none")}).");
                return CliErrors.Ok;
            }
            catch (RegistryException e) { throw new CliException(e.Message); }
        });
        return cmd;
    }
}
