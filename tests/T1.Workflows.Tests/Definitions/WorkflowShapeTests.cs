namespace T1.Workflows.Tests.Definitions;

/// <summary>Values of the wrong shape (a list where a mapping belongs, and so on) are reported where they are.</summary>
public class WorkflowShapeTests
{
    [Fact]
    public void WrongShapes_AreEachReported()
    {
        var errors = DefinitionsTestKit.Errors("""
            name: ""
            params: [a, b]
            steps:
              - id: a
                uses: [echo]
                needs: { b: 1 }
                with: [message]
            """);
        Assert.Equal([
            "test.yaml:1:7: error: 'name' must not be empty",
            "test.yaml:2:9: error: 'params' must be a mapping of names to default values, not a list",
            "test.yaml:5:11: error: step 'a': 'uses' must name a step type, not a list",
            "test.yaml:6:12: error: step 'a': 'needs' must be a step id or a list of step ids, not a mapping",
            "test.yaml:7:11: error: step 'a': 'with' must be a mapping of input names to values, not a list",
        ], errors);
    }

    [Fact]
    public void InvalidParamName_IsReported()
    {
        Assert.Equal(["test.yaml:2:11: error: invalid param name '9lives'; use letters, digits, '_' and '-', starting with a letter or '_'"],
            DefinitionsTestKit.Errors("name: w\nparams: { 9lives: 1 }\nsteps:\n  - id: a\n    uses: echo\n    with: { message: x }\n"));
    }

    [Fact]
    public void UnknownParam_SaysWhenTheWorkflowDeclaresNone()
    {
        Assert.Equal(["test.yaml:5:23: error: step 'a', input 'message': unknown param 'seed' in '${{ params.seed }}'; this workflow declares no params"],
            DefinitionsTestKit.Errors("name: w\nsteps:\n  - id: a\n    uses: echo\n    with: { message: \"${{ params.seed }}\" }\n"));
    }

    [Fact]
    public void UnknownOutput_ListsTheDeclaredOutputs_WhenNoneIsClose()
    {
        Assert.Equal(["test.yaml:9:23: error: step 'b', input 'message': step 'a' (echo) has no output 'zzz'; its outputs are: message, file"],
            DefinitionsTestKit.Errors("""
                name: w
                steps:
                  - id: a
                    uses: echo
                    with: { message: x }
                  - id: b
                    uses: echo
                    needs: a
                    with: { message: "${{ steps.a.outputs.zzz }}" }
                """));
    }

    [Fact]
    public void TextWithEmbeddedExpression_DoesNotFitAListInput()
    {
        Assert.Equal(["test.yaml:6:22: error: step 'b': input 'budgets' must be a list, but 'n=${{ params.n }}' is text"],
            DefinitionsTestKit.Errors("""
                name: w
                params: { n: 3 }
                steps:
                  - id: b
                    uses: sft
                    with: { budgets: "n=${{ params.n }}", dataset: "t1://artifacts/0000000000000000000000000000000000000000000000000000000000000000" }
                """));
    }

    [Fact]
    public void ExpressionErrors_PointAtTheExpression_InsideLongerText()
    {
        Assert.Equal(["test.yaml:6:49: error: step 'a', input 'message': unknown param 'sed' in '${{ params.sed }}'; did you mean 'seed'?"],
            DefinitionsTestKit.Errors("""
                name: w
                params: { seed: 1 }
                steps:
                  - id: a
                    uses: echo
                    with: { message: "seed ${{ params.seed }} / ${{ params.sed }}" }
                """));
    }
}
