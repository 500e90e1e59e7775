using System.CommandLine;
using T1.Workflows.Registry;

namespace T1.Cli.Commands;

/// <summary>`t1 models alias set|rm NAME ALIAS …`, `t1 models archive|restore NAME VERSION`, `t1 models describe NAME VERSION TEXT`.</summary>
internal static class ModelAliasCommands
{
    private static readonly Argument<string> Name = new("name") { Description = "The model's registry name (see `t1 models`)." };
    private static readonly Argument<string> Alias = new("alias") { Description = "The alias: champion, staging, … (lowercase letters, digits, '-', '_')." };
    private static readonly Argument<int> Version = new("version") { Description = "The version number (see `t1 models show NAME`)." };
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why: kept in the alias history with your user name." };

    public static Command Aliases()
    {
        var set = new Command("set", "Point an alias at a version (moving `champion` records a manual promotion).") { Name, Alias, Version, Reason };
        set.SetAction((parse, ct) => RunAsync(parse, async (r, name) =>
        {
            var e = await r.SetAliasAsync(name, parse.GetValue(Alias)!, parse.GetValue(Version), Environment.UserName, parse.GetValue(Reason), ct);
            Console.WriteLine($"{name}@{e.Alias} → v{e.ToVersion} (was {(e.FromVersion is { } f ? "v" + f : "unset")}): {e.Reason}");
        }, ct));
        var rm = new Command("rm", "Remove an alias (champion can only be moved).") { Name, Alias, Reason };
        rm.SetAction((parse, ct) => RunAsync(parse, async (r, name) =>
        {
            var e = await r.RemoveAliasAsync(name, parse.GetValue(Alias)!, Environment.UserName, parse.GetValue(Reason), ct);
            Console.WriteLine($"{name}@{e.Alias} removed (was v{e.FromVersion}): {e.Reason}");
        }, ct));
        return new Command("alias", "Named aliases of a model's versions; `t1 models show NAME` lists them with every move.") { set, rm };
    }

    public static Command Archive(bool archive)
    {
        var cmd = new Command(archive ? "archive" : "restore", archive
            ? "Archive a version: hidden from @latest, no alias may point at it."
            : "Restore an archived version.") { Name, Version };
        cmd.SetAction((parse, ct) => RunAsync(parse, async (r, name) =>
        {
            var v = await r.UpdateVersionAsync(name, parse.GetValue(Version), null, null, archive, ct);
            Console.WriteLine($"{name} v{v.Version} {(archive ? "archived" : "restored")}.");
        }, ct));
        return cmd;
    }

    public static Command Describe()
    {
        var text = new Argument<string>("text") { Description = "The description (empty clears it)." };
        var tags = new Option<string[]>("--tag") { Description = "KEY=VALUE; replaces the version's tags (repeat it).", AllowMultipleArgumentsPerToken = true };
        var cmd = new Command("describe", "Set a version's description (and tags with --tag).") { Name, Version, text, tags };
        cmd.SetAction((parse, ct) => RunAsync(parse, async (r, name) =>
        {
            var given = parse.GetValue(tags);
            Dictionary<string, string>? parsed = null;
            if (given is { Length: > 0 })
            {
                parsed = [];
                foreach (var t in given)
                {
                    var eq = t.IndexOf('=');
                    if (eq <= 0) throw new CliException($"--tag '{t}' is not KEY=VALUE");
                    parsed[t[..eq]] = t[(eq + 1)..];
                }
            }
            var v = await r.UpdateVersionAsync(name, parse.GetValue(Version), parse.GetValue(text), parsed, null, ct);
            Console.WriteLine($"{name} v{v.Version}: {v.Description ?? "(no description)"} {v.TagsJson}");
        }, ct));
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<ModelRegistry, string, Task> action, CancellationToken ct)
    {
        var db = await CliServices.DatabaseAsync(CliServices.Options(parse), ct);
        try
        {
            await action(new ModelRegistry(db), parse.GetValue(Name)!);
            return CliErrors.Ok;
        }
        catch (RegistryException e) { throw new CliException(e.Message); }
    }
}
