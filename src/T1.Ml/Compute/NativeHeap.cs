using System.Runtime.InteropServices;

namespace T1.Ml.Compute;

/// <summary>
/// glibc malloc settings for libtorch's CPU tensors, one mode a process (<see cref="ComputeOptions.NativeHeap"/>,
/// <c>T1__Compute__NativeHeap</c>). glibc keeps freed memory in per-thread arenas and raises its mmap threshold after
/// large frees, so buffers of finished batches stay resident; returning them costs a zero-filled page fault each time a
/// buffer is allocated again. The trade-off, measured on the demo, is in bench/RESULTS.md ("The native heap setting").
/// Environment variables already set (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_) win over the mode. No-op off Linux/glibc.
/// </summary>
public static class NativeHeap
{
    /// <summary>At most two arenas, and every block of 256 KiB or more mmapped, so freeing a tensor returns its pages.</summary>
    public const string Compact = "compact";

    /// <summary>glibc as it ships: an arena per thread (up to 8 per core), adaptive mmap threshold.</summary>
    public const string Glibc = "glibc";

    /// <summary>The mode a process gets when configuration names none.</summary>
    public const string Default = Compact;

    /// <summary>
    /// The mode a host that only serves models (`t1 serve --models-only`) gets when configuration names none. Each
    /// admission to a decode batch allocates a prefill's activations and a new KV cache (MiBs, freed at once): with
    /// <see cref="Compact"/> every such buffer is a fresh mmap whose pages fault in zero-filled, which made admitting 16
    /// requests take 2–4× as long (bench/RESULTS.md, serving, session 12). A serving host holds one set of weights and
    /// no training state, so the higher peak is the cheaper side.
    /// </summary>
    public const string ServingDefault = Glibc;

    /// <summary>The modes, for messages and docs.</summary>
    public static readonly IReadOnlyList<string> Modes = [Compact, Glibc];

    private const int M_MMAP_THRESHOLD = -3;
    private const int M_ARENA_MAX = -8;
    private static string? _applied;

    /// <summary>The mode applied in this process, or null before <see cref="Configure"/>.</summary>
    public static string? Applied => Volatile.Read(ref _applied);

    /// <summary>
    /// Applies <paramref name="mode"/> (null or blank: <see cref="Default"/>) once per process; later calls change nothing,
    /// so the host's configured mode (applied at start-up) wins over the default that <see cref="ComputeDevice.Initialize"/> asks for.
    /// </summary>
    /// <exception cref="ComputeConfigurationException">The mode is not one of <see cref="Modes"/>.</exception>
    public static void Configure(string? mode = null)
    {
        var name = Parse(mode);
        if (Interlocked.CompareExchange(ref _applied, name, null) is not null || !OperatingSystem.IsLinux()) return;
        try
        {
            if (name == Glibc) return;
            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null) mallopt(M_ARENA_MAX, 2);
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (e.g. musl): keep its defaults
        }
    }

    /// <summary>The canonical mode name of <paramref name="mode"/> (case-insensitive; null or blank: <see cref="Default"/>).</summary>
    /// <exception cref="ComputeConfigurationException">The mode is not one of <see cref="Modes"/>.</exception>
    public static string Parse(string? mode)
    {
        if (string.IsNullOrWhiteSpace(mode)) return Default;
        var name = mode.Trim().ToLowerInvariant();
        return Modes.Contains(name)
            ? name
            : throw new ComputeConfigurationException(
                $"unknown native heap mode '{mode.Trim()}' in T1:Compute:NativeHeap (T1__Compute__NativeHeap); use {string.Join(", ", Modes)} (README, \"Configuration\").");
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
