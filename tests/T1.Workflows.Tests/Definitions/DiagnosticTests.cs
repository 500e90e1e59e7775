using T1.Workflows.Definitions;

namespace T1.Workflows.Tests.Definitions;

public class DiagnosticTests
{
    [Fact]
    public void ToString_PrintsFileLineColumnSeverityAndMessage()
    {
        Assert.Equal("w.yaml:3:7: error: unknown key 'x'", new Diagnostic("w.yaml", 3, 7, DiagnosticSeverity.Error, "unknown key 'x'").ToString());
    }

    [Fact]
    public void UnknownStepType_ListsKnownTypes_WhenNoneIsClose()
    {
        var errors = DefinitionsTestKit.Errors("name: w\nsteps:\n  - id: a\n    uses: zzzzzz\n", DefinitionsTestKit.BuiltIns);
        Assert.Equal(["test.yaml:4:11: error: step 'a': unknown step type 'zzzzzz'; known step types: echo, fail, sleep"], errors);
    }

    [Fact]
    public void SyntaxError_StripsYamlDotNetPositionPrefix()
    {
        var errors = DefinitionsTestKit.Errors("name: w\nsteps:\n  - id: a\n   uses: echo\n");
        Assert.Single(errors);
        Assert.StartsWith("test.yaml:4:", errors[0]);
        Assert.DoesNotContain("(Line:", errors[0]);
    }

    [Fact]
    public void DuplicateKeys_AreReported()
    {
        var errors = DefinitionsTestKit.Errors("name: w\nname: v\nsteps:\n  - id: a\n    uses: echo\n    with: { message: x, message: y }\n");
        Assert.Equal([
            "test.yaml:2:1: error: duplicate key 'name'",
            "test.yaml:6:25: error: duplicate input 'message'",
        ], errors);
    }

    [Fact]
    public void NonMappingDocument_IsRejected()
    {
        Assert.Equal(["test.yaml:1:1: error: a workflow must be a mapping with 'name' and 'steps', not a list"], DefinitionsTestKit.Errors("- a\n- b\n"));
    }
}
