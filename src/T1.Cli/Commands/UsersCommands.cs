using System.CommandLine;
using Spectre.Console;
using T1.Server.Auth;
using T1.Storage.Database;
using static T1.Cli.Commands.AccessCommands;

namespace T1.Cli.Commands;

/// <summary>
/// `t1 users create|list|disable|enable|delete|set-role`: portal users, written straight into the metadata database.
/// Disabling, deleting and a role change end the user's sessions at their next request (their security stamp changes);
/// API keys are separate and stay.
/// </summary>
internal static class UsersCommands
{
    public static Command Create()
    {
        var cmd = new Command("users", "Portal users (sign-in at /login); passwords are stored as salted hashes.");
        cmd.Subcommands.Add(CreateUser());
        cmd.Subcommands.Add(ListUsers());
        cmd.Subcommands.Add(Change("disable", "Disable a user: they cannot sign in, and their open sessions end at their next request.",
            (admin, name, ct) => admin.DisableAsync(name, ct), u => $"user '{u.Name}' disabled; their sessions end at their next request."));
        cmd.Subcommands.Add(Change("enable", "Enable a disabled user again (also lifts a sign-in lockout).",
            (admin, name, ct) => admin.EnableAsync(name, ct), u => $"user '{u.Name}' ({u.Role}) enabled."));
        cmd.Subcommands.Add(Delete());
        cmd.Subcommands.Add(SetRole());
        return cmd;
    }

    private static Command CreateUser()
    {
        var name = new Argument<string>("name") { Description = "The sign-in name." };
        var cmd = new Command("create", "Create a portal user with a generated password, printed once (they change it with POST /api/me/password).") { name, Role };
        cmd.SetAction(async (parse, ct) =>
        {
            var role = CheckedRole(parse.GetValue(Role));
            var store = await StoreAsync(parse, ct);
            var user = parse.GetValue(name)!.Trim();
            if ((await store.ListUsersAsync(ct)).Any(u => u.Name == user))
                throw new CliException($"user '{user}' already exists; `t1 users list` shows the users, pick another name.");
            var password = AccountStore.NewPassword();
            await Checked(() => store.CreateUserAsync(user, password, role, ct));
            Console.WriteLine($"user '{user}' ({role}) created. Password, shown only now: {password}");
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static Command ListUsers()
    {
        var cmd = new Command("list", "Portal users: name, role, state, created.");
        cmd.SetAction(async (parse, ct) =>
        {
            var users = await (await StoreAsync(parse, ct)).ListUsersAsync(ct);
            if (users.Count == 0)
            {
                Console.WriteLine("no users yet; `t1 users create NAME --role viewer` creates one (or start `t1 serve` with sign-in required).");
                return CliErrors.Ok;
            }
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("name", "role", "state", "created");
            foreach (var u in users) table.AddRow(Markup.Escape(u.Name), u.Role, State(u), RunPrinter.Time(u.CreatedAt));
            AnsiConsole.Write(table);
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static string State(UserRecord u) =>
        u.DisabledAt is { } d ? $"[grey]disabled {RunPrinter.Time(d)}[/]"
        : u.LockedUntil is { } l && l > DateTime.UtcNow ? $"[yellow]locked until {RunPrinter.Time(l)}[/]"
        : "[green]active[/]";

    private static Command Change(string verb, string description, Func<UserAdministration, string, CancellationToken, Task<UserRecord>> change, Func<UserRecord, string> done)
    {
        var name = new Argument<string>("name") { Description = "The user's sign-in name (see `t1 users list`)." };
        var cmd = new Command(verb, description) { name };
        cmd.SetAction(async (parse, ct) =>
        {
            var admin = await AdministrationAsync(parse, ct);
            Console.WriteLine(done(await Refusable(() => change(admin, parse.GetValue(name)!, ct))));
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "The user's sign-in name (see `t1 users list`)." };
        var cmd = new Command("delete", "Delete a user; their sessions end at their next request. API keys they created stay (revoke them with `t1 keys revoke`).") { name };
        cmd.SetAction(async (parse, ct) =>
        {
            var admin = await AdministrationAsync(parse, ct);
            var user = parse.GetValue(name)!.Trim();
            await Refusable(async () => { await admin.DeleteAsync(user, ct); return 0; });
            Console.WriteLine($"user '{user}' deleted.");
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static Command SetRole()
    {
        var name = new Argument<string>("name") { Description = "The user's sign-in name (see `t1 users list`)." };
        var role = new Argument<string>("role") { Description = $"One of {string.Join(", ", Roles.All)}." };
        var cmd = new Command("set-role", "Give a user another role; their sessions end at their next request (they sign in again with the new role).") { name, role };
        cmd.SetAction(async (parse, ct) =>
        {
            var checkedRole = CheckedRole(parse.GetValue(role));
            var admin = await AdministrationAsync(parse, ct);
            var user = await Refusable(() => admin.SetRoleAsync(parse.GetValue(name)!, checkedRole, ct));
            Console.WriteLine($"user '{user.Name}' is now {user.Role}.");
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static async Task<UserAdministration> AdministrationAsync(ParseResult parse, CancellationToken ct) =>
        new(await CliServices.DatabaseAsync(CliServices.Options(parse), ct));

    private static async Task<T> Refusable<T>(Func<Task<T>> body)
    {
        try { return await Checked(body); }
        catch (AccountException e) { throw new CliException(e.Message); }
    }
}
