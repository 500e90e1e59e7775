using Microsoft.Extensions.Hosting;

namespace T1.Server.Hosting;

/// <summary>
/// A host lifetime that leaves Ctrl+C and SIGTERM to its caller (instead of stopping the host on
/// them, as the console lifetime does): `t1 run` first interrupts its run at a safe point and
/// waits for the step to stop, and only then stops the host.
/// </summary>
public sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
