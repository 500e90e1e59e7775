using T1.Ml.Compute;

namespace T1.Ml.Tests.Compute;

public sealed class NativeHeapTests
{
    [Theory]
    [InlineData(null, "compact")]
    [InlineData("  ", "compact")]
    [InlineData("Glibc", "glibc")]
    [InlineData(" glibc ", "glibc")]
    [InlineData("COMPACT", "compact")]
    public void Parse_AcceptsTheModesInAnyCase_AndBlankMeansTheDefault(string? mode, string expected) =>
        Assert.Equal(expected, NativeHeap.Parse(mode));

    [Fact]
    public void Parse_RefusesAnUnknownMode_NamingTheKeyAndTheChoices()
    {
        var e = Assert.Throws<ComputeConfigurationException>(() => NativeHeap.Parse("balanced"));
        Assert.Equal("unknown native heap mode 'balanced' in T1:Compute:NativeHeap (T1__Compute__NativeHeap); use compact, glibc (README, \"Configuration\").", e.Message);
    }

    [Fact]
    public void Configure_KeepsTheFirstModeOfTheProcess()
    {
        NativeHeap.Configure(NativeHeap.Default);
        var first = NativeHeap.Applied;
        NativeHeap.Configure(NativeHeap.Glibc);
        Assert.NotNull(first);
        Assert.Equal(first, NativeHeap.Applied);
    }
}
