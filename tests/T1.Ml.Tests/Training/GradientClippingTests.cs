using T1.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

public sealed class GradientClippingTests
{
    [Fact]
    public void ClipGlobalNorm_ReturnsNormBeforeClipping_AndScalesToMaxNorm()
    {
        var a = zeros(2, requires_grad: true);
        var b = zeros(1, requires_grad: true);
        (a * tensor(new float[] { 3, 0 })).sum().backward(); // grad a = (3, 0)
        (b * 4).sum().backward();                             // grad b = (4)
        var norm = GradientClipping.ClipGlobalNorm([a, b], maxNorm: 1.0);
        Assert.Equal(5.0, norm, 5);
        Assert.Equal(0.6f, a.grad!.data<float>()[0], 4);
        Assert.Equal(0.8f, b.grad!.data<float>()[0], 4);
    }

    [Fact]
    public void ClipGlobalNorm_BelowTheLimit_LeavesGradients_AndFlagsNonFinite()
    {
        var a = zeros(1, requires_grad: true);
        (a * 0.5f).sum().backward();
        Assert.Equal(0.5, GradientClipping.ClipGlobalNorm([a], maxNorm: 1.0), 5);
        Assert.Equal(0.5f, a.grad!.data<float>()[0], 6);

        var c = zeros(1, requires_grad: true);
        (c * float.NaN).sum().backward();
        Assert.False(GradientClipping.IsUsable(GradientClipping.ClipGlobalNorm([c], 1.0)));
    }
}
