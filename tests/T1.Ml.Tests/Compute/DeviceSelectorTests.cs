using T1.Ml.Compute;
using TorchSharp;

namespace T1.Ml.Tests.Compute;

[Collection(TorchCollection.Name)]
public class DeviceSelectorTests
{
    [Fact]
    public void Cpu_ResolvesToCpu_AndTorchComputesOnIt()
    {
        var device = DeviceSelector.Resolve(" CPU ");
        Assert.Equal(DeviceType.CPU, device.type);
        using var x = torch.arange(4, dtype: torch.float32, device: device);
        Assert.Equal(6f, x.sum().item<float>());
    }

    [Fact]
    public void Auto_PicksCuda_OnlyWhenAvailable()
    {
        var device = DeviceSelector.Resolve("auto");
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
    }

    [Fact]
    public void Cuda_WhenMissing_SaysWhatToDo()
    {
        if (torch.cuda.is_available())
        {
            var ex = Assert.Throws<ArgumentException>(() => DeviceSelector.Resolve("cuda:999"));
            Assert.Contains("does not exist", ex.Message);
            return;
        }
        var missing = Assert.Throws<InvalidOperationException>(() => DeviceSelector.Resolve("cuda"));
        Assert.Contains("T1Compute=cuda", missing.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    public void UnknownSpec_IsRejected(string spec)
    {
        Assert.Throws<ArgumentException>(() => DeviceSelector.Resolve(spec));
    }

    [Fact]
    public void Initialize_SameSeed_SameDraws()
    {
        var a = ComputeDevice.Initialize("cpu", seed: 11, threads: 2);
        using var x = torch.rand(5, device: a.Device);
        ComputeDevice.Initialize("cpu", seed: 11, threads: 2);
        using var y = torch.rand(5, device: a.Device);
        Assert.True(x.equal(y).all().item<bool>());
        Assert.Equal(2, a.Threads);
    }
}
