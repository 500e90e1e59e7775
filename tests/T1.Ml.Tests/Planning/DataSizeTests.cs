using T1.Ml.Planning;

namespace T1.Ml.Tests.Planning;

public sealed class DataSizeTests
{
    [Theory]
    [InlineData("80GiB", 80L << 30)]
    [InlineData("141 GB", 141_000_000_000L)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("1.5gib", 3L << 29)]
    [InlineData("4096", 4096L)]
    public void Parse_ReadsBinaryAndDecimalUnits(string text, long bytes) => Assert.Equal(bytes, DataSize.Parse(text));

    [Theory]
    [InlineData("eighty")]
    [InlineData("-3GiB")]
    [InlineData("")]
    public void Parse_RefusesWhatIsNotASize(string text)
    {
        var e = Assert.Throws<FormatException>(() => DataSize.Parse(text));
        Assert.Equal($"'{text}' is not a memory size; write it like 80GiB, 141GB or 512MiB", e.Message);
    }

    [Fact]
    public void Parse_NamesAnUnknownUnit()
    {
        var e = Assert.Throws<FormatException>(() => DataSize.Parse("80 GiG"));
        Assert.Equal("'80 GiG' has an unknown unit 'GiG'; use KiB, MiB, GiB, TiB (1024) or KB, MB, GB, TB (1000)", e.Message);
    }

    [Theory]
    [InlineData(80L << 30, "80.0 GiB")]
    [InlineData(137_349_120L, "131.0 MiB")]
    [InlineData(0L, "0")]
    public void Format_UsesGiB_FromOneGiBUp(long bytes, string text) => Assert.Equal(text, DataSize.Format(bytes));
}
