namespace T1.Cli.Tests.Commands;

/// <summary>`t1 keys` and `t1 users` as an admin runs them against the embedded default database.</summary>
public sealed class AccessCommandsTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Keys_CreateListRevoke_ShowsKeyOnce_ThenListsItRevoked()
    {
        var (exit, created, err) = await _cli.RunAsync("keys", "create", "nightly", "--role", "operator");
        Assert.True(exit == 0, err);
        var key = created.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("t1_", StringComparison.Ordinal) && !l.Contains(' '));
        Assert.Contains("key 1 'nightly' (operator) created", created);

        var (listExit, list, _) = await _cli.RunAsync("keys", "list");
        Assert.Equal(0, listExit);
        Assert.Matches(@"1\s+nightly\s+operator\s+" + key[..12], list);
        Assert.DoesNotContain(key, list); // only the prefix is ever shown again
        Assert.Contains("active", list);

        var (revokeExit, revoked, _) = await _cli.RunAsync("keys", "revoke", "1");
        Assert.Equal(0, revokeExit);
        Assert.Contains("key 1 revoked", revoked);
        Assert.Contains("revoked", (await _cli.RunAsync("keys", "list")).Out);

        var (againExit, _, againErr) = await _cli.RunAsync("keys", "revoke", "1");
        Assert.Equal(2, againExit);
        Assert.Contains("no active API key 1", againErr);
        Assert.Contains("t1 keys list", againErr);
    }

    [Fact]
    public async Task Keys_EmptyStore_SaysHowToCreateOne()
    {
        var (exit, output, _) = await _cli.RunAsync("keys", "list");
        Assert.Equal(0, exit);
        Assert.Contains("no API keys yet", output);
    }

    [Fact]
    public async Task Keys_WithoutOrWithBadRole_Exits2_NamingTheRoles()
    {
        var (exit, _, err) = await _cli.RunAsync("keys", "create", "nightly");
        Assert.Equal(2, exit);
        Assert.Contains("a role is required", err);
        Assert.Contains("--role viewer", err);

        var (badExit, _, badErr) = await _cli.RunAsync("keys", "create", "nightly", "--role", "root");
        Assert.Equal(2, badExit);
        Assert.Contains("role 'root' is not one of viewer, operator, admin", badErr);
        Assert.DoesNotContain("   at ", badErr);
    }

    [Fact]
    public async Task Users_Create_PrintsGeneratedPasswordOnce_ListsUser_AndRefusesDuplicate()
    {
        var (exit, created, err) = await _cli.RunAsync("users", "create", "vera", "--role", "viewer");
        Assert.True(exit == 0, err);
        var password = created.Split("shown only now: ")[1].Trim();
        Assert.True(password.Length >= 16, created);

        var (listExit, list, _) = await _cli.RunAsync("users", "list");
        Assert.Equal(0, listExit);
        Assert.Matches(@"vera\s+viewer", list);
        Assert.DoesNotContain(password, list);

        var (dupExit, _, dupErr) = await _cli.RunAsync("users", "create", "vera", "--role", "admin");
        Assert.Equal(2, dupExit);
        Assert.Contains("user 'vera' already exists", dupErr);
    }
}
