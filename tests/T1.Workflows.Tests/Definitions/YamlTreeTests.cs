namespace T1.Workflows.Tests.Definitions;

public class YamlTreeTests
{
    [Fact]
    public void AnchorsAndAliases_AreResolved()
    {
        var def = DefinitionsTestKit.LoadValid("name: w\nsteps:\n  - id: a\n    uses: echo\n    with: &w { message: shared }\n  - id: b\n    uses: echo\n    with: *w\n");
        Assert.Equal("shared", def.FindStep("b")!.With["message"]!.GetValue<string>());
    }

    [Fact]
    public void SecondDocument_IsRejected()
    {
        var errors = DefinitionsTestKit.Errors("name: w\nsteps:\n  - id: a\n    uses: echo\n    with: { message: x }\n---\nname: v\n");
        Assert.Equal(["test.yaml:6:1: error: invalid YAML: a workflow file holds one YAML document; remove the second '---'"], errors);
    }

    [Fact]
    public void StepThatIsNotAMapping_IsReportedByNumber()
    {
        Assert.Equal(["test.yaml:3:5: error: step #1 must be a mapping with 'id' and 'uses', not 'echo'"], DefinitionsTestKit.Errors("name: w\nsteps:\n  - echo\n"));
    }

    [Fact]
    public void UnclosedFlowList_IsASyntaxError_NotACrash()
    {
        var errors = DefinitionsTestKit.Errors("name: w\nsteps: [1, 2\nparams: {}\n");
        Assert.Equal(["test.yaml:2:9: error: invalid YAML: unexpected content after this point; is a '[' or '{' left unclosed?"], errors);
    }

    [Fact]
    public void TabIndentation_IsReportedAtTheTab()
    {
        Assert.Equal(["test.yaml:3:1: error: invalid YAML: while scanning a mapping, found invalid tab as indentation"],
            DefinitionsTestKit.Errors("name: w\nsteps:\n\t- id: a\n"));
    }
}
