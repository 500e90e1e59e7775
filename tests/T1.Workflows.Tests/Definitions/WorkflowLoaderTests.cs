using System.Text.Json.Nodes;
using T1.Workflows.Definitions;

namespace T1.Workflows.Tests.Definitions;

public class WorkflowLoaderTests
{
    private const string Tiny = """
        name: t1-tiny
        description: T1 end to end
        schedule: "0 3 * * *"
        params: { seed: 7, model: tiny, rate: 0.5 }
        steps:
          - id: synth
            uses: synthesize
            with: { task: countdown, count: 20000, seed: "${{ params.seed }}" }
          - id: sft
            uses: sft
            needs: synth
            queue: big-gpu
            retry: { attempts: 3, backoff: 30s }
            cache: false
            timeout: 2h
            with:
              dataset: "${{ steps.synth.outputs.dataset }}"
              epochs: 2
              budgets: [32, 64]
              extra: { note: "seed ${{ params.seed }}" }
        """;

    [Fact]
    public void Load_ReadsEveryField_InFileOrder()
    {
        var def = DefinitionsTestKit.LoadValid(Tiny);
        Assert.Equal("t1-tiny", def.Name);
        Assert.Equal("T1 end to end", def.Description);
        Assert.Equal("0 3 * * *", def.Schedule);
        Assert.Equal("test.yaml", def.FileName);
        Assert.Equal(["seed", "model", "rate"], def.Params.Keys);
        Assert.Equal(7L, def.Params["seed"]!.GetValue<long>());
        Assert.Equal(0.5, def.Params["rate"]!.GetValue<double>());
        Assert.Equal(["synth", "sft"], def.Steps.Select(s => s.Id));

        var sft = def.FindStep("sft")!;
        Assert.Equal("sft", sft.Uses);
        Assert.Equal(["synth"], sft.Needs);
        Assert.Equal("big-gpu", sft.Queue);
        Assert.Equal(new RetryPolicy(3, TimeSpan.FromSeconds(30)), sft.Retry);
        Assert.False(sft.Cache);
        Assert.Equal(TimeSpan.FromHours(2), sft.Timeout);
        Assert.Equal(["dataset", "epochs", "budgets", "extra"], sft.With.Select(p => p.Key));
        Assert.Equal("${{ steps.synth.outputs.dataset }}", sft.With["dataset"]!.GetValue<string>());
        Assert.Equal("""{"dataset":"${{ steps.synth.outputs.dataset }}","epochs":2,"budgets":[32,64],"extra":{"note":"seed ${{ params.seed }}"}}""",
            sft.With.ToJsonString());
        Assert.Equal((9, 5), (sft.Line, sft.Column));
    }

    [Fact]
    public void Load_AppliesDefaults_WhenSettingsAreAbsent()
    {
        var synth = DefinitionsTestKit.LoadValid(Tiny).FindStep("synth")!;
        Assert.Equal("cpu", synth.Queue); // the step type's DefaultQueue
        Assert.Equal(new RetryPolicy(1, TimeSpan.FromSeconds(10)), synth.Retry);
        Assert.True(synth.Cache);
        Assert.Null(synth.Timeout);
        Assert.Empty(synth.Needs);
    }

    [Fact]
    public void Load_UsesTheStepTypesDefaultQueue_WhenQueueIsAbsent()
    {
        var def = DefinitionsTestKit.LoadValid("name: w\nsteps:\n  - id: a\n    uses: sft\n    with: { dataset: \"t1://artifacts/" + new string('a', 64) + "\" }\n");
        Assert.Equal("gpu", def.Steps[0].Queue);
    }

    [Fact]
    public void Load_KeepsQuotedScalarsAsText_AndTypesPlainOnes()
    {
        var def = DefinitionsTestKit.LoadValid("name: w\nparams: { a: \"7\", b: 7, c: yes, d: true, e: ~, f: 1e3 }\nsteps:\n  - id: a\n    uses: echo\n    with: { message: hi }\n");
        Assert.Equal("""{"a":"7","b":7,"c":"yes","d":true,"e":null,"f":1000}""", new JsonObject(def.Params.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
    }

    [Fact]
    public void RetryShorthand_IsTotalAttempts()
    {
        var def = DefinitionsTestKit.LoadValid("name: w\nsteps:\n  - id: a\n    uses: echo\n    retry: 4\n    with: { message: hi }\n");
        Assert.Equal(new RetryPolicy(4, RetryPolicy.DefaultBackoff), def.Steps[0].Retry);
    }

    [Fact]
    public void ContentHash_IsTheSame_ForCrLfAndLfLineEndings()
    {
        var lf = DefinitionsTestKit.LoadValid(Tiny.Replace("\r\n", "\n"));
        var crlf = DefinitionsTestKit.LoadValid(Tiny.Replace("\r\n", "\n").Replace("\n", "\r\n"));
        Assert.Equal(lf.ContentHash, crlf.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", lf.ContentHash);
        Assert.NotEqual(lf.ContentHash, DefinitionsTestKit.LoadValid(Tiny + "\n# changed").ContentHash);
        Assert.Equal(Tiny.Replace("\r\n", "\n").Replace("\n", "\r\n"), crlf.SourceText);
    }

    [Fact]
    public void Load_ReportsAllProblems_InOnePass()
    {
        var errors = DefinitionsTestKit.Errors("name: w\nsteps:\n  - id: a\n    uses: ech\n  - id: b\n    uses: echo\n    needs: [zz]\n    with: { mesage: x }\n");
        Assert.Equal([
            "test.yaml:4:11: error: step 'a': unknown step type 'ech'; did you mean 'echo'?",
            "test.yaml:7:13: error: step 'b' needs 'zz', which is not a step of this workflow",
            "test.yaml:8:5: error: step 'b': missing required input 'message' of step type 'echo'",
            "test.yaml:8:13: error: step 'b': step type 'echo' has no input 'mesage'; did you mean 'message'?",
        ], errors);
    }

    [Fact]
    public void ExpressionReferencingATransitiveNeed_IsAccepted()
    {
        DefinitionsTestKit.LoadValid("""
            name: w
            steps:
              - id: a
                uses: echo
                with: { message: a }
              - id: b
                uses: echo
                needs: a
                with: { message: b }
              - id: c
                uses: echo
                needs: b
                with: { message: "${{ steps.a.outputs.message }}" }
            """);
    }

    [Fact]
    public void WholeValueExpression_WithAStaticallyFittingKind_IsAccepted()
    {
        DefinitionsTestKit.LoadValid("""
            name: w
            params: { epochs: 3, warm: 30s, budgets: [1, 2] }
            steps:
              - id: s
                uses: synthesize
              - id: t
                uses: sft
                needs: [s]
                with:
                  dataset: "${{ steps.s.outputs.dataset }}"
                  epochs: "${{ params.epochs }}"
                  warmup: "${{ params.warm }}"
                  budgets: "${{ params.budgets }}"
                  learning_rate: "${{ steps.s.outputs.count }}"
            """);
    }

    [Fact]
    public void LoadFile_ReportsThePathGiven()
    {
        var path = Path.Combine(DefinitionsTestKit.FixturesDirectory, "duplicate-ids.yaml");
        var result = WorkflowLoader.LoadFile(path, DefinitionsTestKit.Catalog);
        Assert.StartsWith(path + ":6:9: error:", result.Diagnostics.Single().ToString());
    }
}
