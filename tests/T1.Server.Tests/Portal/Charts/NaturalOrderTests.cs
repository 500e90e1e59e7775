using T1.Server.Portal.Charts;

namespace T1.Server.Tests.Portal.Charts;

public sealed class NaturalOrderTests
{
    [Fact]
    public void Numbers_InNames_CompareByValue()
    {
        string[] keys = ["accuracy@128", "accuracy@16", "loss", "accuracy@32", "accuracy@0016", "step10", "step2"];
        // Equal numbers (16 and 0016) fall back to the ordinal order, so the order is total and stable.
        Assert.Equal(["accuracy@0016", "accuracy@16", "accuracy@32", "accuracy@128", "loss", "step2", "step10"], keys.Order(NaturalOrder.Instance));
    }
}
