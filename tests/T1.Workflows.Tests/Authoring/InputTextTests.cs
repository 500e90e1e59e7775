using System.Text.Json.Nodes;
using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

public class InputTextTests
{
    [Theory]
    [InlineData("sft", "epochs", "3", "3")]
    [InlineData("sft", "learning_rate", "0.5", "0.5")]
    [InlineData("sft", "shuffle", "false", "false")]
    [InlineData("sft", "budgets", "[32, 64]", "[32,64]")]
    [InlineData("sft", "extra", "{ a: 1 }", "{\"a\":1}")]
    [InlineData("sft", "epochs", "${{ params.n }}", "\"${{ params.n }}\"")]
    [InlineData("sft", "epochs", "[1, 2", "\"[1, 2\"")]
    [InlineData("echo", "message", "7", "\"7\"")]
    [InlineData("sft", "dataset", "t1://artifacts/abc", "\"t1://artifacts/abc\"")]
    [InlineData("sleep", "duration", "30s", "\"30s\"")]
    public void Parse_ReadsTheTextAsTheInputsKindExpects(string type, string input, string text, string json)
    {
        var value = InputText.Parse(text, Type(type).FindInput(input)!);
        Assert.Equal(json, value?.ToJsonString());
    }

    [Fact]
    public void Format_ShowsTextAsIsAndOtherValuesAsYaml()
    {
        Assert.Equal("${{ params.x }}", InputText.Format(JsonValue.Create("${{ params.x }}")));
        Assert.Equal("[32, 64]", InputText.Format(new JsonArray(32, 64)));
        Assert.Equal("", InputText.Format(null));
    }

    [Fact]
    public void Default_ShowsTheDeclaredDefault()
    {
        Assert.Equal("1s", InputText.Default(Type("sleep").FindInput("duration")!));
        Assert.Equal("0.001", InputText.Default(Type("sft").FindInput("learning_rate")!));
        Assert.Equal("", InputText.Default(Type("sft").FindInput("budgets")!));
    }
}
