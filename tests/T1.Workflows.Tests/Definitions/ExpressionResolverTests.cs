using System.Text.Json.Nodes;
using T1.Workflows.Definitions.Expressions;

namespace T1.Workflows.Tests.Definitions;

public class ExpressionResolverTests
{
    private static readonly JsonObject Params = new() { ["seed"] = 7, ["name"] = "tiny", ["budgets"] = new JsonArray(32, 64), ["none"] = null };

    private static JsonNode? Output(string step, string name) => (step, name) switch
    {
        ("synth", "dataset") => JsonValue.Create("t1://artifacts/abc"),
        ("synth", "count") => JsonValue.Create(20000),
        _ => null,
    };

    private static JsonNode? Resolve(string json) => ExpressionResolver.Resolve(JsonNode.Parse(json), Params, Output);

    [Fact]
    public void WholeValueExpression_KeepsTheReferencedType()
    {
        Assert.Equal("7", Resolve("\"${{ params.seed }}\"")!.ToJsonString());
        Assert.Equal("[32,64]", Resolve("\"${{params.budgets}}\"")!.ToJsonString());
        Assert.Equal("20000", Resolve("\" ${{ steps.synth.outputs.count }} \"")!.ToJsonString());
        Assert.Null(Resolve("\"${{ params.none }}\""));
    }

    [Fact]
    public void EmbeddedExpressions_MakeText()
    {
        Assert.Equal("\"seed=7 model=tiny n=20000 b=[32,64]\"",
            Resolve("\"seed=${{ params.seed }} model=${{ params.name }} n=${{ steps.synth.outputs.count }} b=${{ params.budgets }}\"")!.ToJsonString());
    }

    [Fact]
    public void Resolve_GoesIntoListsAndMappings_AndLeavesTheInputUntouched()
    {
        var input = JsonNode.Parse("""{"a":["${{ params.seed }}",{"d":"${{ steps.synth.outputs.dataset }}"}],"n":1.5,"b":true}""");
        var resolved = ExpressionResolver.Resolve(input, Params, Output);
        Assert.Equal("""{"a":[7,{"d":"t1://artifacts/abc"}],"n":1.5,"b":true}""", resolved!.ToJsonString());
        Assert.Equal("""{"a":["${{ params.seed }}",{"d":"${{ steps.synth.outputs.dataset }}"}],"n":1.5,"b":true}""", input!.ToJsonString());
    }

    [Fact]
    public void MissingValues_ThrowNamingTheExpression()
    {
        var output = Assert.Throws<ExpressionException>(() => Resolve("\"x ${{ steps.sft.outputs.loss }}\""));
        Assert.Equal("cannot resolve '${{ steps.sft.outputs.loss }}': step 'sft' has no output 'loss' (did it finish?)", output.Message);
        Assert.Equal("${{ steps.sft.outputs.loss }}", output.Expression);
        var param = Assert.Throws<ExpressionException>(() => Resolve("\"${{ params.lr }}\""));
        Assert.Equal("cannot resolve '${{ params.lr }}': the run has no param 'lr'", param.Message);
        var malformed = Assert.Throws<ExpressionException>(() => Resolve("\"${{ params }}\""));
        Assert.Equal("malformed expression '${{ params }}'; write ${{ params.NAME }} or ${{ steps.ID.outputs.NAME }}", malformed.Message);
    }

    [Fact]
    public void References_ListsEveryWellFormedExpression_InOrder()
    {
        var refs = ExpressionResolver.References(JsonNode.Parse("""{"a":"${{ params.seed }}-${{ steps.synth.outputs.count }}","b":["${{ bad }}",{"c":"${{ steps.sft.outputs.checkpoint }}"}]}"""));
        Assert.Equal([
            new ExpressionReference("${{ params.seed }}", ReferenceKind.Param, null, "seed"),
            new ExpressionReference("${{ steps.synth.outputs.count }}", ReferenceKind.StepOutput, "synth", "count"),
            new ExpressionReference("${{ steps.sft.outputs.checkpoint }}", ReferenceKind.StepOutput, "sft", "checkpoint"),
        ], refs);
    }

    [Fact]
    public void TextWithoutExpressions_IsCopiedAsIs()
    {
        Assert.Equal("\"plain $ {{ text }}\"", Resolve("\"plain $ {{ text }}\"")!.ToJsonString());
        Assert.Empty(ExpressionResolver.References(JsonValue.Create("plain")));
    }
}
