using T1.Ml.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Compute;

/// <summary>
/// TorchSharp 0.107 lets an implicitly converted Scalar be finalized while libtorch reads it (a 20-second loop of
/// <c>a.add(b)</c> beside a thread forcing collections failed after 10–14 thousand adds with "toFloat: Expected false to
/// be true", 2026-12-02). The ops of <see cref="KeptScalars"/> must stay correct under the same pressure.
/// </summary>
[Collection(TorchCollection.Name)]
public class KeptScalarsTests
{
    [Fact]
    public void Ops_StayCorrect_WhileAnotherThreadForcesCollections()
    {
        using var a = full(8, 3.0f);
        using var b = full(8, 2.0f);
        using var positions = zeros(8, dtype: int64);
        WhileCollecting(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long n = 0;
            while (n < 200_000 || clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                // Tight loops of single ops, as in the failing TorchSharp loop: most of the time is spent inside native calls.
                for (int i = 0; i < 1000; i++, n++)
                {
                    using var s = a.Plus(b);
                }
                for (int i = 0; i < 100; i++)
                {
                    using var t = a.Times(2.0);
                    positions.PlusInPlace(1L);
                }
                using var scope = NewDisposeScope();
                var r = a.Plus(b).Plus(0.5).Times(2.0).DividedBy(4.0).Clamped(-10.0, 2.5).AtLeast(-1.0); // (3 + 2 + 0.5)·2/4 = 2.75 → 2.5
                var acc = zeros(8).PlusScaledInPlace(a, 2.0).PlusProductInPlace(a, b, 0.5).TimesInPlace(0.5).PlusInPlace(b).PlusInPlace(1.0); // (6 + 3)·0.5 + 2 + 1
                Assert.All(r.data<float>().ToArray(), v => Assert.Equal(2.5f, v));
                Assert.All(acc.data<float>().ToArray(), v => Assert.Equal(7.5f, v));
                Assert.Equal(n / 10, positions.data<long>()[0]);
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) break; // a very slow machine: what ran is still checked
            }
            Assert.True(n >= 10_000, $"only {n} iterations ran");
        });
    }

    /// <summary>
    /// TorchSharp's <c>square()</c> is <c>pow(2)</c> with an implicit Scalar; RMSNorm's call of it failed a CI run's
    /// evaluate ("false INTERNAL ASSERT FAILED at c10/core/Scalar.h", 2026-12-02). <see cref="KeptScalars.Squared"/> must
    /// stay correct under forced collections.
    /// </summary>
    [Fact]
    public void Squared_StaysCorrect_WhileAnotherThreadForcesCollections()
    {
        using var a = full(8, 3.0f);
        WhileCollecting(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long n = 0;
            while (n < 200_000 || clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                for (int i = 0; i < 1000; i++, n++)
                {
                    using var s = a.Squared();
                }
                using var check = a.Squared();
                Assert.All(check.data<float>().ToArray(), v => Assert.Equal(9f, v));
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) break; // a very slow machine: what ran is still checked
            }
            Assert.True(n >= 10_000, $"only {n} iterations ran");
        });
    }

    /// <summary>Runs <paramref name="loop"/> while another thread forces collections and finalizers without pause.</summary>
    private static void WhileCollecting(Action loop)
    {
        var stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try { loop(); }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }
}
