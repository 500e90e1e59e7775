using Microsoft.Extensions.Hosting;
using TorchSharp;

namespace T1.Server.Hosting;

/// <summary>
/// Loads libtorch when a process that runs steps starts, before it takes its first step. Loading it
/// takes seconds (tens of seconds on a loaded machine), and while it loads inside an attempt that
/// attempt sends no heartbeat: a reconciler then takes the live attempt for a dead one and runs the
/// step again. Found by the chaos tests (tests/T1.Server.Tests/Chaos), which saw exactly that.
/// </summary>
internal sealed class TorchWarmup : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
