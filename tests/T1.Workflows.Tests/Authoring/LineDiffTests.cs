using T1.Workflows.Authoring;

namespace T1.Workflows.Tests.Authoring;

public class LineDiffTests
{
    [Fact]
    public void Compare_MarksRemovedAndAddedLinesWithTheirNumbers()
    {
        var diff = LineDiff.Compare("a\nb\nc\nd\n", "a\nc\nx\nd\n");
        Assert.Equal(["  a", "- b", "  c", "+ x", "  d"], diff.Select(Show));
        Assert.Equal((2, (int?)null), (diff[1].OldLine!.Value, diff[1].NewLine));
        Assert.Equal(3, diff[3].NewLine);
    }

    [Fact]
    public void Compare_OfEqualTexts_HasOnlySameLines()
    {
        Assert.All(LineDiff.Compare("a\nb", "a\nb\n"), l => Assert.Equal(DiffKind.Same, l.Kind));
        Assert.Equal(["+ a"], LineDiff.Compare("", "a").Select(Show));
        Assert.Equal(["- old", "+ new"], LineDiff.Compare("old", "new").Select(Show));
    }

    private static string Show(DiffLine l) => (l.Kind switch { DiffKind.Removed => "- ", DiffKind.Added => "+ ", _ => "  " }) + l.Text;
}
