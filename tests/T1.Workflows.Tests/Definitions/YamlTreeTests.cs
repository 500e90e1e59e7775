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

    [Fact]
    public void AliasBomb_IsRefused_InsteadOfExpanded()
    {
        var yaml = new System.Text.StringBuilder("name: w\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
            yaml.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        var errors = DefinitionsTestKit.Errors(yaml.ToString());
        Assert.Single(errors);
        Assert.Contains("invalid YAML: aliases here expand to more than 5,000,000 values", errors[0]);
    }
}
