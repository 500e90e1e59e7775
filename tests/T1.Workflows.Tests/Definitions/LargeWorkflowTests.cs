using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace T1.Workflows.Tests.Definitions;

/// <summary>Validation and graph walks are iterative and near-linear: 20 000-step chains load in seconds.</summary>
public class LargeWorkflowTests(ITestOutputHelper output)
{
    private const int Steps = 20_000;

    /// <summary>A chain where step i needs step i-1 and uses the output of step i-<paramref name="back"/>.</summary>
    private static string Chain(int count, int back, bool closeCycle = false)
    {
        var sb = new StringBuilder("name: chain\nparams: { greeting: hi }\nsteps:\n");
        sb.Append("  - id: s0\n    uses: echo\n").Append(closeCycle ? $"    needs: [s{count - 1}]\n" : "")
          .Append("    with: { message: \"${{ params.greeting }}\" }\n");
        for (var i = 1; i < count; i++)
        {
            sb.Append("  - id: s").Append(i).Append("\n    uses: echo\n    needs: [s").Append(i - 1).Append("]\n")
              .Append("    with: { message: \"${{ steps.s").Append(Math.Max(0, i - back)).Append(".outputs.message }}\" }\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void Chain_OfTwentyThousandSteps_ReferencingTheDirectNeed_ValidatesInSeconds()
    {
        var yaml = Chain(Steps, back: 1);
        var sw = Stopwatch.StartNew();
        var def = DefinitionsTestKit.LoadValid(yaml);
        var loaded = sw.Elapsed;
        var order = def.TopologicalOrder();
        var dependents = def.Dependents("s0");
        output.WriteLine($"load+validate {Steps} steps: {loaded.TotalMilliseconds:0} ms; with order and dependents: {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(Steps, order.Count);
        Assert.Equal("s19999", order[^1].Id);
        Assert.Equal(Steps - 1, dependents.Count);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Chain_OfTwentyThousandSteps_ReferencingATransitiveNeed_ValidatesInSeconds()
    {
        var yaml = Chain(Steps, back: 3);
        var sw = Stopwatch.StartNew();
        DefinitionsTestKit.LoadValid(yaml);
        output.WriteLine($"load+validate {Steps} steps, references 3 back: {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Chain_OfTwentyThousandSteps_AllReferencingTheFirstStep_ValidatesInSeconds()
    {
        var yaml = Chain(Steps, back: Steps);
        var sw = Stopwatch.StartNew();
        DefinitionsTestKit.LoadValid(yaml);
        output.WriteLine($"load+validate {Steps} steps, all referencing s0: {sw.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Chain_OfTwentyThousandSteps_ClosedIntoACycle_IsReportedWithoutStackOverflow()
    {
        var errors = DefinitionsTestKit.Errors(Chain(Steps, back: 1, closeCycle: true));
        var error = Assert.Single(errors);
        Assert.StartsWith("test.yaml:6:13: error: dependency cycle: s0 → s19999 → s19998 → ", error);
        Assert.EndsWith(" → s1 → s0 (each step needs the next); remove one of these needs", error);
    }
}
