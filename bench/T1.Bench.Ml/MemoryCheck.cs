using System.Globalization;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Planning;
using T1.Ml.Training;
using static TorchSharp.torch;

namespace T1.Bench.Ml;

/// <summary>
/// `memory`: one SFT-style training step (forward, cross-entropy, backward, AdamW) on random tokens, its peak resident
/// memory above the process's resident memory before the model (VmHWM reset through /proc/self/clear_refs), against
/// the terms of <see cref="MemoryFormulas"/> that t1 plan adds for it (bench/RESULTS.md, "Memory plan").
/// </summary>
internal static class MemoryCheck
{
    public static Task<int> RunAsync(Args a)
    {
        int batch = a.Int("batch", 8), len = a.Int("len", 256), vocab = a.Int("vocab", 4096);
        var preset = a.Str("preset", "small");
        a.CheckAllUsed();
        var compute = ComputeDevice.Initialize("cpu", 0, threads: 1);
        using (var warm = ones(8, 8)) warm.matmul(warm).Dispose(); // libtorch's own start-up allocations before the baseline
        long before = Kib("VmRSS");
        var config = ModelConfig.Preset(preset, vocab) with { MaxPositions = Math.Max(1024, len + 1) };
        using var model = DecoderLM.Create(config, compute.Device);
        using var optimizer = model.CreateAdamW(1e-4);
        long measured = 0;
        for (int step = 0; step < 2; step++)
        {
            // The first step allocates gradients and AdamW's moments; the second is the steady state that is measured.
            if (step == 1) File.WriteAllText("/proc/self/clear_refs", "5");
            using var scope = NewDisposeScope();
            var ids = randint(vocab, [batch, len + 1], dtype: int64);
            var logits = model.forward(ids.narrow(1, 0, len));                                 // (B, T, V)
            var loss = SftLoss.Sum(logits, ids.narrow(1, 1, len), ones(batch, len)) / (batch * len);
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
            measured = Kib("VmHWM") - before;
        }
        var dtype = PlanDtype.Fp32;
        MemoryPart[] parts =
        [
            MemoryFormulas.Weights(config, dtype, 1, "model"), MemoryFormulas.Gradients(config, dtype), MemoryFormulas.AdamW(config, dtype),
            MemoryFormulas.TrainingActivations(config, batch, len, dtype, checkpointed: false, ""),
            MemoryFormulas.Logits(config, batch, len, dtype, 4, training: true, "loss", ""),
        ];
        long predicted = parts.Sum(p => p.Bytes);
        foreach (var p in parts) Console.WriteLine($"  {MemoryPlan.Name(p.Component),-12} {DataSize.Format(p.Bytes),10}  {p.Formula}");
        double mib = measured / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {preset} V {vocab} batch {batch} len {len}: measured {mib:0.0} MiB above the baseline ({before / 1024.0:0.0} MiB), predicted {predicted / 1048576.0:0.0} MiB ({(predicted / 1024.0 / measured - 1) * 100:+0.0;-0.0}%)"));
        return Task.FromResult(0);
    }

    /// <summary>A field of /proc/self/status in KiB (VmRSS, VmHWM).</summary>
    private static long Kib(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
