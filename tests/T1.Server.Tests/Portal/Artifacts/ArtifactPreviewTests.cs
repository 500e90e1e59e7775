using System.Text;
using T1.Server.Portal.Artifacts;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Portal.Artifacts;

/// <summary>The pure parts of artifact previews: safetensors headers, JSON-lines tables, the folder tree, file types.</summary>
public sealed class ArtifactPreviewTests
{
    [Fact]
    public void SafetensorsHeader_GivesNamesShapesDtypes_AndTheParameterCount()
    {
        var header = SafetensorsHeader.Parse(ArtifactRunFixture.Safetensors(ArtifactRunFixture.Tensors), "model.safetensors");

        Assert.Equal(["lm_head.weight", "model.embed_tokens.weight", "model.norm.weight"], header.Tensors.Select(t => t.Name));
        Assert.Equal("BF16", header.Tensors[0].Dtype);
        Assert.Equal([16L, 8L], header.Tensors[1].Shape);
        Assert.Equal(264, header.Parameters);
        Assert.Equal("pt", header.Metadata["format"]);
    }

    [Fact]
    public void SafetensorsHeader_RefusesAFileThatIsNotSafetensors_SayingWhy()
    {
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsHeader.Parse(Encoding.UTF8.GetBytes("PK\u0003\u0004 a zip, not weights"), "weights.safetensors"));
        Assert.StartsWith("weights.safetensors does not start with a safetensors header: its first 8 bytes give a header of ", e.Message);

        var cut = ArtifactRunFixture.Safetensors(ArtifactRunFixture.Tensors)[..40];
        var c = Assert.Throws<InvalidDataException>(() => SafetensorsHeader.Parse(cut, "w.safetensors"));
        Assert.StartsWith("w.safetensors ends inside its safetensors header (32 of ", c.Message);
    }

    [Fact]
    public void Table_OfTraces_PutsTheVerdictFirst_WithTheVerifiersReason()
    {
        var lines = """
            {"budget":64,"problem_id":"p1","reference":"11","extracted":"11","correct":true,"reason":"equal","response":"<think>ok</think> 11"}
            {"budget":64,"problem_id":"p2","reference":"3","extracted":"21","correct":false,"reason":"21 != 3","response":"21"}
            """;

        var table = PreviewTable.Parse(Encoding.UTF8.GetBytes(lines), cut: false, maxRows: 50);

        Assert.True(table.IsTraces);
        Assert.Equal(["verdict", "problem_id", "budget", "reference", "extracted", "response"], table.Columns);
        Assert.Equal(["correct: equal", "p1", "64", "11", "11", "<think>ok</think> 11"], table.Rows[0].Cells);
        Assert.Equal("wrong: 21 != 3", table.Rows[1].Cells[0]);
        Assert.Equal([true, false], table.Rows.Select(r => r.Correct));
    }

    [Fact]
    public void Table_OfAnyJsonLines_HasOneColumnPerKey_DropsACutLastLine_AndCountsBadLines()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\":1}\nnot json\n{\"b\":[1,2],\"a\":\"x\"}\n{\"a\":3,\"b\"");

        var table = PreviewTable.Parse(bytes, cut: true, maxRows: 50);

        Assert.False(table.IsTraces);
        Assert.Equal(["a", "b"], table.Columns);
        Assert.Equal([["1", ""], ["x", "[1,2]"]], table.Rows.Select(r => r.Cells.ToArray()));
        Assert.Equal(1, table.SkippedLines);
    }

    [Fact]
    public void Table_StopsAtMaxRows_AndShortensLongCells()
    {
        var long_ = new string('x', PreviewTable.MaxCell + 50);
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 10).Select(i => $"{{\"i\":{i},\"s\":\"{long_}\"}}")));

        var table = PreviewTable.Parse(bytes, cut: false, maxRows: 3);

        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(PreviewTable.MaxCell + 1, table.Rows[0].Cells[1].Length);
        Assert.EndsWith("…", table.Rows[0].Cells[1]);
    }

    [Fact]
    public void Tree_NestsFolders_FoldersFirst_WithTheirSizes()
    {
        var tree = ArtifactTree.Build([new("model.safetensors", "a", 100), new("tokenizer/vocab.json", "b", 5), new("config.json", "c", 7), new("tokenizer/merges.txt", "d", 3)]);

        Assert.Equal(["tokenizer", "config.json", "model.safetensors"], tree.Children.Select(c => c.Name));
        Assert.True(tree.Children[0].IsFolder);
        Assert.Equal(8, tree.Children[0].Size);
        Assert.Equal(["tokenizer/merges.txt", "tokenizer/vocab.json"], tree.Children[0].Children.Select(c => c.Path));
        Assert.Equal(115, tree.Size);
    }

    [Theory]
    [InlineData("budget_curve.png", PreviewKind.Image, "image/png")]
    [InlineData("report.json", PreviewKind.Json, "application/octet-stream")]
    [InlineData("traces.jsonl", PreviewKind.Table, "application/octet-stream")]
    [InlineData("tokenizer/merges.txt", PreviewKind.Text, "application/octet-stream")]
    [InlineData("train.log", PreviewKind.Text, "application/octet-stream")]
    [InlineData("model.safetensors", PreviewKind.Safetensors, "application/octet-stream")]
    [InlineData("optimizer.bin", PreviewKind.Binary, "application/octet-stream")]
    [InlineData("chart.svg", PreviewKind.Binary, "application/octet-stream")] // SVG can carry script: never served as an image of this site
    public void FileTypes_PreviewAndServeByExtension(string path, PreviewKind kind, string contentType)
    {
        Assert.Equal(kind, FileTypes.KindOf(path));
        Assert.Equal(contentType, FileTypes.ContentType(path));
    }
}
