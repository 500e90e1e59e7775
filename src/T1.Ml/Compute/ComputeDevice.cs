using TorchSharp;

namespace T1.Ml.Compute;

/// <summary>
/// The device every tensor of a job lives on, chosen once at start-up.
/// Code that creates tensors takes <see cref="Device"/> from here (or from a model's parameters);
/// nothing assumes CPU.
/// </summary>
public sealed class ComputeDevice
{
    private ComputeDevice(torch.Device device, int threads, long seed)
    {
        Device = device;
        Threads = threads;
        Seed = seed;
    }

    /// <summary>The torch device (cpu, cuda:0, ...).</summary>
    public torch.Device Device { get; }

    /// <summary>True when <see cref="Device"/> is a CUDA device.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>Intra-op CPU threads torch uses (also for CPU-side work of a CUDA job).</summary>
    public int Threads { get; }

    /// <summary>The seed given to torch's CPU and CUDA generators.</summary>
    public long Seed { get; }

    /// <summary>
    /// Picks the device from <paramref name="spec"/> (<c>auto|cpu|cuda|cuda:N</c>, see
    /// <see cref="DeviceSelector.Resolve"/>), sets torch's CPU thread count (default: all logical
    /// cores), seeds torch's generators, so two runs with the same seed draw the same numbers, and configures the
    /// native heap (<see cref="NativeHeap"/>: its default mode, unless the host applied T1:Compute:NativeHeap before).
    /// </summary>
    public static ComputeDevice Initialize(string spec = "auto", long seed = 0, int? threads = null)
    {
        var device = DeviceSelector.Resolve(spec);
        int n = threads ?? Environment.ProcessorCount;
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), n, "threads must be at least 1.");
        }
        NativeHeap.Configure();
        torch.set_num_threads(n);
        CpuWorkers.Threads = n;
        torch.manual_seed(seed);
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.manual_seed_all(seed);
        }
        return new ComputeDevice(device, n, seed);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Device} ({Threads} threads, seed {Seed})";
}
