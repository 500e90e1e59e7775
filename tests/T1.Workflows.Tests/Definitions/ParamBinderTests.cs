using T1.Workflows.Definitions;

namespace T1.Workflows.Tests.Definitions;

public class ParamBinderTests
{
    private static readonly WorkflowDefinition Def = DefinitionsTestKit.LoadValid("""
        name: tiny
        params: { seed: 7, rate: 0.5, model: tiny, fast: false, budgets: [32], anything: ~ }
        steps:
          - id: a
            uses: echo
            with: { message: hi }
        """);

    [Fact]
    public void Bind_ReturnsDefaults_WhenThereAreNoOverrides()
    {
        Assert.Equal("""{"seed":7,"rate":0.5,"model":"tiny","fast":false,"budgets":[32],"anything":null}""",
            ParamBinder.Bind(Def, new Dictionary<string, string>()).ToJsonString());
    }

    [Fact]
    public void Overrides_TakeTheKindOfTheirDefault()
    {
        var bound = ParamBinder.Bind(Def, new Dictionary<string, string>
        {
            ["seed"] = "9", ["rate"] = "1e-3", ["model"] = "42", ["fast"] = "true", ["budgets"] = "[1, 2]", ["anything"] = "3",
        });
        Assert.Equal("""{"seed":9,"rate":0.001,"model":"42","fast":true,"budgets":[1,2],"anything":3}""", bound.ToJsonString());
    }

    [Fact]
    public void UnknownOverride_ThrowsNamingItSuggestingAndListing()
    {
        var e = Assert.Throws<WorkflowParamException>(() => ParamBinder.Bind(Def, new Dictionary<string, string> { ["sed"] = "9" }));
        Assert.Equal("unknown param 'sed'; did you mean 'seed'? Workflow 'tiny' declares: seed, rate, model, fast, budgets, anything", e.Message);
        Assert.Equal("sed", e.Param);
    }

    [Fact]
    public void Override_ThatDoesNotFitTheDefaultsKind_Throws()
    {
        var e = Assert.Throws<WorkflowParamException>(() => ParamBinder.Bind(Def, new Dictionary<string, string> { ["seed"] = "nine" }));
        Assert.Equal("param 'seed' of workflow 'tiny' must be an integer like its default 7, got 'nine'", e.Message);
    }

    [Fact]
    public void Override_OfAnArtifactParam_MustBeAnArtifactReference()
    {
        var zeros = new string('0', 64);
        var def = DefinitionsTestKit.LoadValid($$"""
            name: pair
            params: { init: "t1://artifacts/{{zeros}}" }
            steps:
              - id: a
                uses: echo
                with: { message: hi }
            """);
        var sha = string.Concat(Enumerable.Repeat("ab", 32));
        Assert.Equal($"t1://artifacts/{sha}", ParamBinder.Bind(def, new Dictionary<string, string> { ["init"] = $"t1://artifacts/{sha}" })["init"]!.GetValue<string>());
        var e = Assert.Throws<WorkflowParamException>(() => ParamBinder.Bind(def, new Dictionary<string, string> { ["init"] = "t1://artifacts/94df" }));
        Assert.Equal($"param 'init' of workflow 'pair' must be an artifact reference (t1://artifacts/<64 hex digits>, a sha256 from `t1 show RUN`) like its default \"t1://artifacts/{zeros}\", got 't1://artifacts/94df'", e.Message);
    }
}
