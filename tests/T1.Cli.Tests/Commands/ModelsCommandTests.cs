namespace T1.Cli.Tests.Commands;

/// <summary>`t1 models` as a user runs it: an empty registry, a promotion through a workflow, errors.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    private const string Report = """{"budgets":[{"budget":16,"accuracy":0.25},{"budget":64,"accuracy":ACC}]}""";

    private string PromoteWorkflow(double accuracy) => _cli.Write($"promote-{accuracy}.yaml", $$$"""
        name: cli-promote
        steps:
          - id: report
            uses: echo
            with: { message: '{{{Report.Replace("ACC", accuracy.ToString(System.Globalization.CultureInfo.InvariantCulture))}}}' }
          - id: promote
            uses: promote
            needs: [report]
            with:
              model: cli-model
              candidate: ${{ steps.report.outputs.file }}
              report: ${{ steps.report.outputs.file }}
              metric: curve
        """);

    [Fact]
    public async Task Models_EmptyRegistry_SaysHowToRegister()
    {
        var (exit, output, _) = await _cli.RunAsync("models");
        Assert.Equal(0, exit);
        Assert.Contains("no models registered yet", output);
    }

    [Fact]
    public async Task Models_AfterTwoPromotions_ListsChampion_AndShowPrintsDecisionsWithNumbers()
    {
        Assert.Equal(0, (await _cli.RunAsync("run", PromoteWorkflow(0.5))).Exit);
        Assert.Equal(0, (await _cli.RunAsync("run", PromoteWorkflow(0.4))).Exit);

        var (exit, list, _) = await _cli.RunAsync("models");
        Assert.Equal(0, exit);
        Assert.Matches(@"cli-model\s+v1\s+2\s+v2", list);

        var (showExit, show, _) = await _cli.RunAsync("models", "show", "cli-model");
        Assert.Equal(0, showExit);
        Assert.Contains("champion: v1", show);
        Assert.Contains("16:0.25 64:0.4", show);
        Assert.Contains("kept", show);
        Assert.Contains("promoted", show);
        Assert.Contains("worse at budget 64", show);

        var (promoteExit, promoted, _) = await _cli.RunAsync("models", "promote", "cli-model", "2");
        Assert.Equal(0, promoteExit);
        Assert.Contains("champion is now v2 (was v1)", promoted);
    }

    [Fact]
    public async Task Models_UnknownNameOrVersion_Exits2_WithWhatToDo()
    {
        var (exit, _, err) = await _cli.RunAsync("models", "show", "nope");
        Assert.Equal(2, exit);
        Assert.Contains("model 'nope' is not registered", err);
        Assert.Contains("t1 models", err);
        Assert.DoesNotContain("   at ", err);

        var (promoteExit, _, promoteErr) = await _cli.RunAsync("models", "promote", "nope", "1");
        Assert.Equal(2, promoteExit);
        Assert.Contains("is not registered", promoteErr);
    }
}
