namespace T1.Cli.Tests.Commands;

/// <summary>`t1 gc` as a user runs it on the embedded default: a dry run first, then --apply, each saying what it frees.</summary>
public sealed class GcCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Gc_DryRunListsTheOldRun_ApplyDeletesIt_AndAgainFindsNothing()
    {
        var file = _cli.Write("say.yaml", "name: say\nparams: { n: \"0\" }\nsteps:\n  - id: a\n    uses: echo\n    cache: false\n    with: { message: \"n=${{ params.n }}\" }\n");
        var (exit, first, err) = await _cli.RunAsync("run", file, "--param", "n=1");
        Assert.True(exit == 0, first + err);
        (exit, var second, err) = await _cli.RunAsync("run", file, "--param", "n=2");
        Assert.True(exit == 0, second + err);
        var old = first.Split(' ', '\n')[1];

        (exit, var dry, err) = await _cli.RunAsync("gc", "--older-than", "0s", "--keep-last", "1");
        Assert.True(exit == 0, dry + err);
        var lines = dry.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("t1 gc (dry run: nothing is deleted; --apply deletes)", lines[0]);
        Assert.Equal("runs: would delete 1 (finished, older than 0ms, beyond the newest 1 of each workflow)", lines[1]);
        Assert.StartsWith($"{old}  say v1  succeeded  ", lines[2]);
        Assert.Contains(lines, l => l.StartsWith("blobs: would delete 0 that nothing references", StringComparison.Ordinal)); // younger than an hour

        (exit, var applied, err) = await _cli.RunAsync("gc", "--older-than", "0s", "--keep-last", "1", "--apply");
        Assert.True(exit == 0, applied + err);
        Assert.Contains("runs: deleted 1 (", applied);
        Assert.Contains("freed ", applied);
        (exit, var show, err) = await _cli.RunAsync("show", old);
        Assert.Equal(2, exit);
        Assert.Contains($"no run '{old}'", err);

        (exit, var again, _) = await _cli.RunAsync("gc", "--older-than", "0s", "--keep-last", "1", "--apply");
        Assert.Equal(0, exit);
        Assert.Contains("runs: deleted 0 (", again);
    }

    [Fact]
    public async Task Gc_BadDuration_Exits2_SayingWhatToWrite()
    {
        var (exit, _, err) = await _cli.RunAsync("gc", "--older-than", "soon");
        Assert.Equal(2, exit);
        Assert.Equal("error: --older-than 'soon' is not a duration; write e.g. 30d, 12h or 90m.", err.Trim());
    }
}
