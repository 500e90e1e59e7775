using System.Globalization;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Planning;
using T1.Ml.Training;
using static TorchSharp.torch;

namespace T1.Bench.Ml;

/// <summary>
/// `memory`: SFT training steps as <see cref="SftTrainer"/> takes them (forward and chunked log-probs, backward, global-norm
/// clipping, AdamW — <see cref="MasterWeightsAdamW"/> in bf16 — and zero_grad) on random tokens, with the peak resident
/// memory of each phase above the process's resident memory before the model (VmHWM reset through /proc/self/clear_refs
/// before each phase), against the terms t1 plan adds for the sft step's train phase (bench/RESULTS.md, "Memory plan").
/// The native heap is the process default (<see cref="NativeHeap.Compact"/>), so a freed tensor leaves the resident set.
/// <code>
/// t1-bench-ml memory --config bench/plan/qwen-mini/config.json --dtype bf16 --batch 1 --len 256 [--grad-checkpoint 1] [--steps 3]
/// t1-bench-ml memory --preset small --vocab 4096 --batch 32 --len 256
/// t1-bench-ml memory --from /tmp/qmini --dtype bf16 --batch 1 --len 128 --gc-probe 1   # an HF folder loaded as the sft step loads it
/// </code>
/// <c>--gc-probe 1</c> reports, after the load and after the last step, how much resident memory a full garbage
/// collection frees: tensors that nothing disposed and only a finaliser releases (a diagnostic; the platform never collects).
/// </summary>
internal static class MemoryCheck
{
    public static Task<int> RunAsync(Args a)
    {
        int batch = a.Int("batch", 8), len = a.Int("len", 256), vocab = a.Int("vocab", 4096), steps = a.Int("steps", 3);
        var preset = a.Str("preset", "small");
        var configPath = a.Str("config", "");
        var from = a.Str("from", "");
        bool gcProbe = a.Int("gc-probe", 0) != 0;
        var dtype = a.Str("dtype", "fp32") == "bf16" ? PlanDtype.Bf16 : PlanDtype.Fp32;
        bool checkpointed = a.Int("grad-checkpoint", 0) != 0;
        a.CheckAllUsed();
        NativeHeap.Configure();
        var compute = ComputeDevice.Initialize("cpu", 0, threads: 1);
        using (var warm = ones(8, 8)) warm.matmul(warm).Dispose(); // libtorch's own start-up allocations before the baseline
        var config = from.Length > 0 ? Checkpoint.ReadConfig(from)
            : configPath.Length > 0 ? ModelConfig.FromHfJson(File.ReadAllText(configPath), configPath)
            : ModelConfig.Preset(preset, vocab) with { MaxPositions = Math.Max(1024, len + 1) };
        vocab = config.VocabSize;
        ScalarType? torchDtype = dtype == PlanDtype.Bf16 ? ScalarType.BFloat16 : null;
        long before = Kib("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5");
        using var model = from.Length > 0 ? Checkpoint.Load(from, compute.Device, torchDtype).Model : DecoderLM.Create(config, compute.Device, torchDtype);
        model.GradCheckpoint = checkpointed;
        model.train();
        Console.WriteLine($"model {from}{configPath}{(from.Length + configPath.Length > 0 ? "" : preset)}: {model.ParameterCount:N0} params, {dtype.Name()}, grad_checkpoint {checkpointed}; " +
                          $"baseline {before / 1024.0:0.0} MiB, after the model {(Kib("VmRSS") - before) / 1024.0:0.0} MiB (peak {(Kib("VmHWM") - before) / 1024.0:0.0})");
        if (gcProbe) Probe("after the model", before);
        using var optimizer = model.CreateAdamW(1e-4);
        long peak = 0;
        for (int step = 0; step < steps; step++)
        {
            // The first step allocates AdamW's moments; later steps are the steady state t1 plan describes. As in SftTrainer,
            // the micro-batch's forward and backward run in a dispose scope, clipping and the optimizer step outside it.
            var scope = NewDisposeScope();
            var ids = randint(vocab, [batch, len + 1], dtype: int64);
            Tensor loss = null!;
            var row = new List<string>();
            void Phase(string name, Action act)
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
                act();
                long hwm = Kib("VmHWM") - before, rss = Kib("VmRSS") - before;
                if (step > 0) peak = Math.Max(peak, hwm);
                row.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {hwm / 1024.0:0} ({rss / 1024.0:0})"));
            }
            Phase("forward", () =>
            {
                var (logp, _) = TokenLogProbs.OfNextTokens(model, ids.narrow(1, 0, len), ids.narrow(1, 1, len)); // (B, T)
                loss = -logp.sum() / (batch * len);
            });
            Phase("backward", () => { loss.backward(); scope.Dispose(); });
            Phase("clip", () => GradientClipping.ClipGlobalNorm(model.parameters(), 1.0));
            Phase("step", () => optimizer.step());
            Phase("zero_grad", () => optimizer.zero_grad());
            Console.WriteLine($"  step {step + 1}, MiB peak (resident after) by phase: {string.Join(" · ", row)}");
        }
        if (gcProbe) Probe("after the last step", before);
        MemoryPart[] parts =
        [
            MemoryFormulas.Weights(config, dtype, 1, "model"), MemoryFormulas.Gradients(config, dtype), MemoryFormulas.AdamW(config, dtype),
            MemoryFormulas.TrainingActivations(config, batch, len, dtype, checkpointed, ""),
            MemoryFormulas.Logits(config, batch, len, dtype, 4, training: true, "loss", ""),
        ];
        long predicted = parts.Sum(p => p.Bytes);
        foreach (var p in parts) Console.WriteLine($"  {MemoryPlan.Name(p.Component),-12} {DataSize.Format(p.Bytes),10}  {p.Formula}");
        double mib = peak / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory V {vocab} batch {batch} len {len} {dtype.Name()}{(checkpointed ? " grad_checkpoint" : "")}: measured {mib:0.0} MiB above the baseline " +
            $"(steps 2–{steps}), predicted {predicted / 1048576.0:0.0} MiB ({(predicted / 1024.0 / peak - 1) * 100:+0.0;-0.0}%), " +
            $"excess {(peak * 1024.0 - predicted) / model.ParameterCount:0.00} B a parameter"));
        return Task.FromResult(0);
    }

    /// <summary>Resident memory above <paramref name="before"/>, then how much of it a full collection frees (finaliser-held tensors).</summary>
    private static void Probe(string when, long before)
    {
        long rss = Kib("VmRSS");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long after = Kib("VmRSS");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  gc probe {when}: resident {(rss - before) / 1024.0:0.0} MiB, after a full collection {(after - before) / 1024.0:0.0} MiB (finaliser-held {(rss - after) / 1024.0:0.0} MiB)"));
    }

    /// <summary>A field of /proc/self/status in KiB (VmRSS, VmHWM).</summary>
    private static long Kib(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
