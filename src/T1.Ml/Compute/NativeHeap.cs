using System.Runtime.InteropServices;

namespace T1.Ml.Compute;

/// <summary>
/// glibc malloc settings for libtorch's CPU tensors. By default glibc keeps freed memory in per-thread arenas
/// and raises its mmap threshold after large frees, so buffers of finished batches stay resident: on the tiny
/// demo that retention was most of the peak (bench/RESULTS.md, "Demo peak resident memory"). Here: at most two
/// arenas, and blocks of 256 KiB or more always mmapped, so freeing a tensor returns its pages to the system.
/// The same as starting the process with MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=262144; variables already set
/// in the environment win. No-op off Linux/glibc.
/// </summary>
public static class NativeHeap
{
    private const int M_MMAP_THRESHOLD = -3;
    private const int M_ARENA_MAX = -8;
    private static int _configured;

    /// <summary>Applies the settings once per process.</summary>
    public static void Configure()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _configured, 1) == 1) return;
        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null) mallopt(M_ARENA_MAX, 2);
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (e.g. musl): keep its defaults
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
