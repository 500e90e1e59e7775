using System.CommandLine;
using T1.Workflows.Engine;

namespace T1.Cli.Commands;

/// <summary>`t1 register FILE`: store a definition and activate (or remove) its schedule.</summary>
internal static class RegisterCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Workflow YAML file." };
        var cmd = new Command("register", "Store a workflow version and activate its `schedule:` (removes the schedule when the file has none).") { file };
        cmd.SetAction(async (parse, ct) =>
        {
            var definition = ValidateCommand.LoadOrThrow(parse.GetValue(file)!);
            var options = CliServices.Options(parse);
            using var host = await CliServices.StartAsync(options, worker: false, verbose: false, ct);
            var record = await host.Get<ScheduleRegistry>().RegisterAsync(definition, ct);
            Console.WriteLine($"workflow '{record.Name}' v{record.Version} stored ({record.ContentHash[..12]}).");
            if (definition.Schedule is null)
                Console.WriteLine("  no schedule: runs start only when asked (`t1 run`, API).");
            else if (!options.Database.IsPostgres)
                Console.WriteLine($"  schedule \"{definition.Schedule}\" (UTC) is kept by `t1 serve`/`t1 worker` processes only with PostgreSQL; the embedded default forgets it when this process exits. Use `t1 serve` with --database Host=… to keep schedules.");
            else
                Console.WriteLine($"  schedule \"{definition.Schedule}\" (UTC) active: each tick starts one run on a `t1 worker`/`t1 serve` process.");
            return CliErrors.Ok;
        });
        return cmd;
    }
}
