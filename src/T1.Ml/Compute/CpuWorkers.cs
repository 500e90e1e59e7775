using System.Runtime.ExceptionServices;
using TorchSharp;

namespace T1.Ml.Compute;

/// <summary>
/// Independent pieces of torch work (the parts of a sampling batch) run side by side on CPU, each on its own thread with
/// one intra-op thread, instead of one after another with every op split across the cores. Decoding a small model is
/// a long series of small ops, which libtorch's intra-op threads speed up little or not at all (bench/RESULTS.md: a
/// tiny model's rollouts ran at 5.1 k tokens/s on two threads and 6–8.5 k on one); whole pieces on separate cores scale.
/// </summary>
/// <remarks>
/// torch's thread count is process-wide state in libtorch (the intra-op count new threads start with, and MKL's), so
/// while pieces run, other threads of the process that start torch work see one thread; the calling thread's count is
/// restored afterwards. Each piece must own what it writes (its own generator, cache and dispose scope): results come
/// back in piece order whatever thread ran them, so a run is reproducible.
/// </remarks>
public static class CpuWorkers
{
    private static int _threads = Environment.ProcessorCount;

    /// <summary>
    /// The CPU threads a step has (<see cref="ComputeDevice.Initialize"/> sets it; default the logical cores). Read from
    /// here, not from torch: torch's count is per OS thread once set, so a thread that first ran torch while pieces ran
    /// elsewhere reports 1, and how a batch is cut into parts (and so what is sampled) must not depend on that.
    /// </summary>
    public static int Threads
    {
        get => Volatile.Read(ref _threads);
        set => Volatile.Write(ref _threads, value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "at least 1"));
    }

    /// <summary>How many pieces to run at once on <paramref name="device"/>: <see cref="Threads"/> on CPU, 1 elsewhere.</summary>
    public static int For(torch.Device device) => device.type == DeviceType.CPU ? Threads : 1;

    /// <summary>Part <paramref name="p"/> of <paramref name="count"/> items cut into <paramref name="parts"/> contiguous parts whose sizes differ by at most one.</summary>
    public static Range Part(int count, int parts, int p) => (int)((long)p * count / parts)..(int)((long)(p + 1) * count / parts);

    /// <summary>
    /// <paramref name="piece"/>(0 … <paramref name="count"/> − 1) on up to <paramref name="workers"/> threads, results in
    /// piece order. With one worker (or one piece) everything runs on the calling thread as it is. The first exception
    /// of any piece is rethrown once all threads have stopped; no piece starts after a failure.
    /// </summary>
    public static T[] Run<T>(int count, int workers, Func<int, T> piece)
    {
        var results = new T[count];
        if (workers <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++) results[i] = piece(i);
            return results;
        }
        int saved = torch.get_num_threads(), next = -1;
        ExceptionDispatchInfo? failure = null;
        var threads = Enumerable.Range(0, Math.Min(workers, count)).Select(w => new Thread(() =>
        {
            try
            {
                torch.set_num_threads(1);
                int i;
                while (Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next)) < count) results[i] = piece(i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }, 16 << 20) { IsBackground = true, Name = $"t1-torch-{w}" }).ToList();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        torch.set_num_threads(saved);
        failure?.Throw();
        return results;
    }
}
