namespace T1.Cli.Tests.Commands;

/// <summary>`t1 users disable|enable|delete|set-role` against the embedded default database.</summary>
public sealed class UsersCommandsTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<string> OkAsync(params string[] args)
    {
        var (exit, output, err) = await _cli.RunAsync(args);
        Assert.True(exit == 0, $"t1 {string.Join(' ', args)}: exit {exit}\n{output}\n{err}");
        return output;
    }

    [Fact]
    public async Task DisableEnableSetRoleDelete_ChangeTheUser_AndListShowsIt()
    {
        await OkAsync("users", "create", "root", "--role", "admin");
        await OkAsync("users", "create", "olga", "--role", "operator");

        Assert.Contains("user 'olga' disabled; their sessions end at their next request.", await OkAsync("users", "disable", "olga"));
        Assert.Matches(@"olga\s+operator\s+disabled", await OkAsync("users", "list"));
        Assert.Contains("user 'olga' (operator) enabled.", await OkAsync("users", "enable", "olga"));
        Assert.Matches(@"olga\s+operator\s+active", await OkAsync("users", "list"));
        Assert.Contains("user 'olga' is now viewer.", await OkAsync("users", "set-role", "olga", "VIEWER"));
        Assert.Contains("user 'olga' deleted.", await OkAsync("users", "delete", "olga"));
        Assert.DoesNotContain("olga", await OkAsync("users", "list"));
    }

    [Fact]
    public async Task TheLastAdmin_UnknownUsers_AndBadRoles_Exit2_SayingWhatToDo()
    {
        await OkAsync("users", "create", "root", "--role", "admin");
        foreach (var args in new[] { new[] { "users", "disable", "root" }, ["users", "delete", "root"], ["users", "set-role", "root", "operator"] })
        {
            var (exit, _, err) = await _cli.RunAsync(args);
            Assert.Equal(2, exit);
            Assert.Contains("it is the last active admin, and without one nobody can manage accounts; make another user admin first (`t1 users set-role NAME admin`).", err);
        }
        var (missing, _, missingErr) = await _cli.RunAsync("users", "disable", "nobody");
        Assert.Equal(2, missing);
        Assert.Contains("error: there is no user 'nobody'; `t1 users list` (or GET /api/users) shows the users.", missingErr);
        var (bad, _, badErr) = await _cli.RunAsync("users", "set-role", "root", "root");
        Assert.Equal(2, bad);
        Assert.Contains("role 'root' is not one of viewer, operator, admin", badErr);
    }
}
