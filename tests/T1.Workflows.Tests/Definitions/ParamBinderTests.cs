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
}
