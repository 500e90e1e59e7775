using T1.Ml.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Compute;

[Collection(TorchCollection.Name)]
public class CpuWorkersTests
{
    [Fact]
    public void Run_ReturnsResultsInPieceOrder_FromSeveralThreads_EachWithOneTorchThread()
    {
        int threads = torch.get_num_threads();
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Thread, int TorchThreads)>();
        var results = CpuWorkers.Run(12, 3, i =>
        {
            seen.Add((Environment.CurrentManagedThreadId, torch.get_num_threads()));
            using var scope = NewDisposeScope();
            Thread.Sleep(10 * (i % 3)); // finish out of order
            return (int)arange(i + 1).sum().item<long>();
        });
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * (i + 1) / 2), results);
        Assert.True(seen.Select(s => s.Thread).Distinct().Count() > 1, "the pieces ran on one thread");
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, seen.Select(s => s.Thread));
        Assert.All(seen, s => Assert.Equal(1, s.TorchThreads));
        Assert.Equal(threads, torch.get_num_threads());
    }

    [Fact]
    public void Run_WithOneWorker_RunsOnTheCallingThread()
    {
        var ids = CpuWorkers.Run(4, 1, _ => Environment.CurrentManagedThreadId);
        Assert.All(ids, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
    }

    [Fact]
    public void Run_RethrowsAPiecesException_AfterEveryThreadHasStopped_AndStartsNoPieceAfterIt()
    {
        int threads = torch.get_num_threads(), started = 0;
        var error = Assert.Throws<InvalidOperationException>(() => CpuWorkers.Run(1000, 2, i =>
        {
            Interlocked.Increment(ref started);
            if (i == 3) throw new InvalidOperationException("piece 3 failed");
            Thread.Sleep(5);
            return i;
        }));
        Assert.Equal("piece 3 failed", error.Message);
        Assert.InRange(Volatile.Read(ref started), 4, 10);
        Assert.Equal(threads, torch.get_num_threads());
    }
}
