using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using T1.Server.Auth;

namespace T1.Cli.Commands;

/// <summary>
/// `t1 keys create|list|revoke` (and `t1 users`, <see cref="UsersCommands"/>): accounts of the portal and API, written straight into the
/// metadata database (like `t1 models`), for the first keys of a server and for scripts that set one up.
/// </summary>
internal static class AccessCommands
{
    internal static readonly Option<string> Role = new("--role", "-r")
    {
        Description = $"Required: one of {string.Join(", ", Roles.All)}.",
    };

    /// <summary>Adds `t1 keys` and `t1 users` to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(CreateKeys());
        root.Subcommands.Add(UsersCommands.Create());
    }

    private static Command CreateKeys()
    {
        var cmd = new Command("keys", "API keys for scripts (X-Api-Key header); stored as sha256 only.");
        cmd.Subcommands.Add(CreateKey());
        cmd.Subcommands.Add(ListKeys());
        cmd.Subcommands.Add(RevokeKey());
        return cmd;
    }

    private static Command CreateKey()
    {
        var name = new Argument<string>("name") { Description = "What script or person uses the key, e.g. nightly." };
        var cmd = new Command("create", "Create an API key; it is printed once and cannot be shown again.") { name, Role };
        cmd.SetAction(async (parse, ct) =>
        {
            var role = CheckedRole(parse.GetValue(Role));
            var store = await StoreAsync(parse, ct);
            var (record, key) = await Checked(() => store.CreateKeyAsync(parse.GetValue(name)!, role, Environment.UserName, ct));
            Console.WriteLine($"key {record.Id} '{record.Name}' ({record.Role}) created. Copy it now, it is not shown again:");
            Console.WriteLine(key);
            Console.WriteLine("use it as: curl -H \"X-Api-Key: " + key[..8] + "…\" http://HOST:5080/api/runs");
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static Command ListKeys()
    {
        var cmd = new Command("list", "API keys: id, name, role, prefix, created, last used, revoked.");
        cmd.SetAction(async (parse, ct) =>
        {
            var keys = await (await StoreAsync(parse, ct)).ListKeysAsync(ct);
            if (keys.Count == 0)
            {
                Console.WriteLine("no API keys yet; `t1 keys create NAME --role operator` creates one.");
                return CliErrors.Ok;
            }
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("id", "name", "role", "prefix", "created by", "created", "last used", "state");
            foreach (var k in keys)
                table.AddRow(k.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(k.Name), k.Role, Markup.Escape(k.Prefix + "…"), Markup.Escape(k.CreatedBy),
                    RunPrinter.Time(k.CreatedAt), k.LastUsedAt is { } u ? RunPrinter.Time(u) : "never", k.RevokedAt is { } r ? $"[grey]revoked {RunPrinter.Time(r)}[/]" : "[green]active[/]");
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static Command RevokeKey()
    {
        var id = new Argument<long>("id") { Description = "The key's id (see `t1 keys list`)." };
        var cmd = new Command("revoke", "Revoke an API key; requests with it get 401 from then on.") { id };
        cmd.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(id);
            if (!await (await StoreAsync(parse, ct)).RevokeKeyAsync(key, ct))
                throw new CliException($"there is no active API key {key}; `t1 keys list` shows the keys and which are already revoked.");
            Console.WriteLine($"key {key} revoked.");
            return CliErrors.Ok;
        });
        return cmd;
    }

    internal static async Task<AccountStore> StoreAsync(ParseResult parse, CancellationToken ct) =>
        new(await CliServices.DatabaseAsync(CliServices.Options(parse), ct));

    internal static string CheckedRole(string? role) => Roles.IsValid(role?.Trim().ToLowerInvariant())
        ? role!.Trim().ToLowerInvariant()
        : throw new CliException((role is null ? "a role is required" : $"role '{role}' is not one of {string.Join(", ", Roles.All)}")
            + "; give --role viewer (read), operator (also run, cancel, schedules) or admin (also publish, promote, manage keys).");

    internal static async Task<T> Checked<T>(Func<Task<T>> body)
    {
        try { return await body(); }
        catch (ArgumentException e) { throw new CliException(e.Message.Split(" (Parameter", 2)[0]); }
    }
}
