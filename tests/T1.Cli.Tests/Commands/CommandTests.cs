namespace T1.Cli.Tests.Commands;

/// <summary>The `t1` commands as a user runs them: exit codes, what they print, no stack traces.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Hello => Path.Combine(Cli.RepoRoot, "workflows", "hello.yaml");

    [Fact]
    public async Task Validate_ValidFile_ExitsZero_WithOneLineSummary()
    {
        var (exit, output, _) = await _cli.RunAsync("validate", Hello);
        Assert.Equal(0, exit);
        Assert.Contains("ok — workflow 'hello', 5 step(s)", output);
    }

    [Fact]
    public async Task Validate_EveryShippedWorkflow_ExitsZero_WithAllStepTypes()
    {
        var files = Directory.GetFiles(Path.Combine(Cli.RepoRoot, "workflows"), "*.yaml").Order().ToArray();
        Assert.Contains(files, f => f.EndsWith("t1-tiny.yaml", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("t1-qwen.yaml", StringComparison.Ordinal));
        var (exit, output, err) = await _cli.RunAsync(["validate", .. files]);
        Assert.True(exit == 0, err);
        foreach (var f in files) Assert.Contains($"{f}: ok", output);
    }

    [Fact]
    public async Task Validate_InvalidFile_Exits2_WithFileLineColumnErrors()
    {
        var file = _cli.Write("bad.yaml", "name: bad\nsteps:\n  - id: a\n    uses: ecko\n    with: { message: x }\n  - id: a\n    uses: echo\n    with: { message: y }\n");
        var (exit, _, err) = await _cli.RunAsync("validate", file);
        Assert.Equal(2, exit);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"{file}:4:11: error:") && l.Contains("'ecko'") && l.Contains("did you mean 'echo'"));
        Assert.Contains(lines, l => l.StartsWith($"{file}:6:") && l.Contains("duplicate"));
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Validate_MissingFile_Exits2_SayingSo()
    {
        var (exit, _, err) = await _cli.RunAsync("validate", "nope.yaml");
        Assert.Equal(2, exit);
        Assert.Contains("nope.yaml:1:1: error: no such file", err);
    }

    [Fact]
    public async Task Run_OnEmbeddedDefault_Succeeds_ThenRunsAndShowFindIt()
    {
        var (exit, output, err) = await _cli.RunAsync("run", Hello, "--param", "who=tester");
        Assert.True(exit == 0, output + err);
        var runId = output.Split(' ', '\n')[1];
        Assert.Matches("^[0-9a-f]{12}$", runId);
        Assert.Contains("succeeded", output);
        Assert.True(File.Exists(Path.Combine(_cli.WorkDir, ".t1", "t1.db")));

        var (listExit, list, _) = await _cli.RunAsync("runs");
        Assert.Equal(0, listExit);
        Assert.Contains(runId, list);

        var (showExit, show, _) = await _cli.RunAsync("show", runId[..6]);
        Assert.Equal(0, showExit);
        Assert.Contains("summary", show);
        Assert.Contains("who\":\"tester", show);
    }

    [Fact]
    public async Task Run_UnknownParam_Exits2_WithActionableMessage()
    {
        var (exit, _, err) = await _cli.RunAsync("run", Hello, "--param", "whom=x");
        Assert.Equal(2, exit);
        Assert.StartsWith("error:", err.Trim());
        Assert.Contains("whom", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Show_UnknownRun_Exits2()
    {
        var (exit, _, err) = await _cli.RunAsync("show", "abcdef");
        Assert.Equal(2, exit);
        Assert.Contains("no run 'abcdef'", err);
    }

    [Fact]
    public async Task Worker_WithoutPostgres_Exits2_ExplainingWhatToConfigure()
    {
        var (exit, _, err) = await _cli.RunAsync("worker", "--queues", "gpu");
        Assert.Equal(2, exit);
        Assert.Contains("T1__Database__ConnectionString", err);
    }

    [Fact]
    public async Task Steps_ListsBuiltInStepTypes()
    {
        var (exit, output, _) = await _cli.RunAsync("steps");
        Assert.Equal(0, exit);
        foreach (var name in new[] { "echo", "sleep", "fail" }) Assert.Contains(name, output);
    }

    [Fact]
    public async Task Grade_PrintsAVerdictPerLine_ThenTheTotal()
    {
        var file = _cli.Write("answers.jsonl", """
            {"response": "so the answer is \\boxed{\\frac{1}{2}}", "answer": "0.5"}
            {"response": "Final answer: 7", "answer": "8"}
            """);
        var (exit, output, _) = await _cli.RunAsync("grade", file);
        Assert.Equal(0, exit);
        var lines = output.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"correct\":true", lines[0]);
        Assert.Contains("\"correct\":false", lines[1]);
        Assert.StartsWith("graded 2, correct 1", lines[2]);
    }

    [Fact]
    public async Task Grade_MissingField_Exits2_NamingFileAndLine()
    {
        var file = _cli.Write("bad.jsonl", "{\"output\": \"x\", \"answer\": \"1\"}\n");
        var (exit, _, err) = await _cli.RunAsync("grade", file);
        Assert.Equal(2, exit);
        Assert.Contains($"{file}:1: missing field 'response'", err);
    }
}
