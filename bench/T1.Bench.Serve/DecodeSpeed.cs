using System.Diagnostics;
using System.Globalization;
using T1.Bench.Ml;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Sampling;
using TorchSharp;

namespace T1.Bench.Serve;

/// <summary>
/// Batch-1 decode of a preset or a Hugging Face config's shape (random weights, greedy, no early stop; <see cref="BenchModel"/>): tokens/s of the <see cref="Sampler"/> and of
/// the serving <see cref="DecodeEngine"/> (with its managed CPU step, and with libtorch's forward), against the compute limit = measured fp32 matmul FLOP/s ÷ forward FLOPs
/// per token (2 × matmul parameters + attention over the cache). The ratio is how far decode is from the limit. Beside it
/// the memory limit of batch 1: one thread's read bandwidth ÷ the matmul weights' bytes (what bounds a model beyond the caches).
/// Every figure is the best of <c>--repeat</c> rounds, the rounds interleaving all measurements, so that a moment of
/// contention on a shared machine hits one round of each rather than one measurement. A model-step A/B isolates the
/// fused projections: the same weights stepped with separate q/k/v and gate/up projections and with fused ones. A last
/// line compares the two engines at <c>--batch</c> rows (one request of that many choices).
/// </summary>
public static class DecodeSpeed
{
    public static int Run(Args a)
    {
        var bench = BenchModel.FromArgs(a);
        int tokens = a.Int("tokens", 256), prompt = a.Int("prompt", 32), threads = a.Int("threads", 1), repeat = a.Int("repeat", 3);
        int batch = a.Int("batch", 8);
        a.CheckAllUsed();
        torch.set_num_threads(threads);
        var dir = Directory.CreateTempSubdirectory("t1-bench-decode-").FullName;
        bench.Save(dir);
        using var servedLoad = Checkpoint.Load(dir, torch.CPU, bench.Dtype); // the engine's (it fuses its projections)
        using var engine = new DecodeEngine(servedLoad.Model, servedLoad.Tokenizer!, new DecodeEngineOptions(), "bench");
        var c = engine.Model.Config;
        var ids = Enumerable.Range(0, prompt).Select(i => (i * 7 + 3) % c.VocabSize).ToList();
        Drain(engine, ids, 16);
        // A model beyond the managed CPU step decodes through libtorch in every engine: the second engine and the
        // Sampler would only repeat that (and hold two more copies of a large model), so only the engine is measured.
        bool small = engine.UsesCpuFastPath;
        if (!small) Console.WriteLine($"note: {bench.Describe()} is too large for the managed CPU step (or not fp32): the engine uses libtorch's step; the Sampler, the libtorch-only engine and the separate-projections step are not measured");
        using var plainLoad = small ? Checkpoint.Load(dir, torch.CPU) : null;  // the Sampler's, and the step A/B's separate projections
        using var torchLoad = small ? Checkpoint.Load(dir, torch.CPU) : null;  // the engine's without the managed CPU step
        var plain = plainLoad?.Model;
        var sampler = plain is null ? null : new Sampler(plain, plainLoad!.Tokenizer);
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = tokens, StopAtEndOfText = false };
        sampler?.Generate([ids], options with { MaxNewTokens = 16 }); // warm-up
        using var torchEngine = torchLoad is null ? null : new DecodeEngine(torchLoad.Model, torchLoad.Tokenizer!, new DecodeEngineOptions { CpuFastPath = false }, "bench-libtorch");
        if (torchEngine is not null) Drain(torchEngine, ids, 16);

        double managedStep = double.MaxValue, managedBatchStep = double.MaxValue, sampledRate = 0, sampledBatchRate = 0, samplerRate = 0, engineRate = 0, torchEngineRate = 0, batchRate = 0, torchBatchRate = 0, flops = 0, opMicros = double.MaxValue, plainStep = double.MaxValue, fusedStep = double.MaxValue, fusedBatchStep = double.MaxValue;
        int size = 0;
        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            if (sampler is not null)
            {
                sampler.Generate([ids], options);
                samplerRate = Math.Max(samplerRate, tokens / clock.Elapsed.TotalSeconds);
            }
            clock.Restart();
            Drain(engine, ids, tokens);
            engineRate = Math.Max(engineRate, tokens / clock.Elapsed.TotalSeconds);
            clock.Restart();
            if (torchEngine is not null) Drain(torchEngine, ids, tokens);
            torchEngineRate = Math.Max(torchEngineRate, tokens / clock.Elapsed.TotalSeconds);
            clock.Restart();
            Drain(engine, ids, tokens, batch);
            batchRate = Math.Max(batchRate, batch * tokens / clock.Elapsed.TotalSeconds);
            clock.Restart();
            Drain(engine, ids, tokens, 1, temperature: 1);
            sampledRate = Math.Max(sampledRate, tokens / clock.Elapsed.TotalSeconds);
            clock.Restart();
            Drain(engine, ids, tokens, batch, temperature: 1);
            sampledBatchRate = Math.Max(sampledBatchRate, batch * tokens / clock.Elapsed.TotalSeconds);
            clock.Restart();
            if (torchEngine is not null) Drain(torchEngine, ids, tokens, batch);
            torchBatchRate = Math.Max(torchBatchRate, batch * tokens / clock.Elapsed.TotalSeconds);
            if (plain is not null) plainStep = Math.Min(plainStep, StepMicroseconds(plain, ids, tokens));
            fusedStep = Math.Min(fusedStep, StepMicroseconds(engine.Model, ids, tokens)); // the engine is idle: nothing else uses its model now
            if (!small) fusedBatchStep = Math.Min(fusedBatchStep, StepMicroseconds(engine.Model, ids, tokens, batch));
            if (small) managedStep = Math.Min(managedStep, ManagedStepMicroseconds(engine.Model, ids, tokens));
            if (small) managedBatchStep = Math.Min(managedBatchStep, ManagedStepMicroseconds(engine.Model, ids, tokens, batch));
            var (f, s) = Flops.MeasureMatmul();
            if (f > flops) (flops, size) = (f, s);
            opMicros = Math.Min(opMicros, SmallOpMicroseconds());
        }
        double perToken = 2.0 * Flops.MatmulParameters(c) + 4.0 * c.NumLayers * c.HiddenSize * (prompt + tokens / 2.0);
        double limit = flops / perToken;
        // What streams from memory per batch-1 token: every matmul weight once, in the model's dtype.
        double weightBytes = (double)Flops.MatmulParameters(c) * (bench.Dtype == torch.ScalarType.BFloat16 ? 2 : 4);
        double bandwidth = StreamBytesPerSecond();
        string Rate(double r) => string.Create(CultureInfo.InvariantCulture, $"{r:F0} tokens/s ({limit / r:F1}× below the compute limit)");
        Console.WriteLine($"Batch-1 decode · model {bench.Describe()} ({c}) · prompt {prompt} + {tokens} tokens, greedy · torch threads {threads} · best of {repeat} rounds");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {perToken / 1e6:F2} MFLOP/token · matmul {flops / 1e9:F0} GFLOP/s fp32 ({size}³) → compute limit {limit:F0} tokens/s · weights {weightBytes / 1e6:F0} MB a token, read at {bandwidth / 1e9:F1} GB/s (one thread, from memory) → memory limit at batch 1 {bandwidth / weightBytes:F1} tokens/s (a bound only when the weights do not fit in the caches)"));
        Console.WriteLine("RESULT serving engine " + (small ? "(managed step) " : "(libtorch's step) ") + Rate(engineRate) +
            (small ? string.Create(CultureInfo.InvariantCulture, $" · Sampler {Rate(samplerRate)} · engine with libtorch's step {Rate(torchEngineRate)} (managed step {engineRate / torchEngineRate:F1}× faster)") : ""));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT engine at batch {batch} (one request of {batch} choices): {batchRate:F0} tokens/s") +
            (small ? string.Create(CultureInfo.InvariantCulture, $", libtorch's step {torchBatchRate:F0} tokens/s ({batchRate / torchBatchRate:F2}×)") : ""));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT engine, temperature 1 (seeded): batch 1 {sampledRate:F0} tokens/s, batch {batch} {sampledBatchRate:F0} tokens/s ({sampledBatchRate / sampledRate:F1}×); greedy batch {batch} / batch 1: {batchRate / engineRate:F1}×"));
        if (small)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT managed step alone at batch {batch} (quickest 16-step window): {managedBatchStep:F0} µs = {batch * 1e6 / managedBatchStep:F0} tokens/s ({batch * managedStep / managedBatchStep:F1}× batch 1's tokens/s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT model step (forward of one token with the KV cache, argmax, host read): separate projections {plainStep:F0} µs, fused {fusedStep:F0} µs ({plainStep / fusedStep:F2}×)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT managed step alone (CpuDecodeStep.StepToHost of one token, managed argmax; quickest 16-step window): {managedStep:F0} µs = {1e6 / managedStep:F0} tokens/s ({limit * managedStep / 1e6:F1}× below the limit); what an engine token costs beyond it is the engine (prefill, choosing, handing out) and, on a loaded machine, interruptions a 16-step window escapes"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT one small tensor op (add of two (1, {c.HiddenSize}) tensors in a dispose scope) costs {opMicros:F1} µs: a Sampler token takes the time of {1e6 / samplerRate / opMicros:F0} such ops, an engine token {1e6 / engineRate / opMicros:F0}"));
        }
        else
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT libtorch's model step (forward of one token a row with the KV cache, fused projections, argmax, host read): batch 1 {fusedStep:F0} µs = {1e6 / fusedStep:F1} tokens/s · batch {batch} {fusedBatchStep:F0} µs = {batch * 1e6 / fusedBatchStep:F1} tokens/s ({batch * fusedStep / fusedBatchStep:F1}× batch 1's tokens/s, {2.0 * Flops.MatmulParameters(c) * batch / fusedBatchStep / 1e3:F0} GFLOP/s)"));
        try { Directory.Delete(dir, true); } catch (IOException) { }
        return 0;
    }

    /// <summary>Mean time of one greedy decode step of <paramref name="model"/> (<paramref name="rows"/> rows) after a prefill of <paramref name="prompt"/>: forward, argmax, read the tokens.</summary>
    private static double StepMicroseconds(DecoderLM model, IReadOnlyList<int> prompt, int tokens, int rows = 1)
    {
        using var noGrad = torch.no_grad();
        using var outer = torch.NewDisposeScope();
        using var cache = model.NewCache(rows, prompt.Count + tokens + 1);
        var logits = model.Forward(torch.tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Count]).expand(rows, -1).contiguous(), cache, lastOnly: true); // (rows, 1, V)
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < tokens; i++)
        {
            using var scope = torch.NewDisposeScope();
            var next = logits.argmax(-1); // (rows, 1)
            if (rows == 1) _ = next.item<long>();
            else _ = next.data<long>().ToArray();
            logits = model.Forward(next, cache, lastOnly: true).MoveToOuterDisposeScope();
        }
        return clock.Elapsed.TotalMicroseconds / tokens;
    }

    /// <summary>
    /// Time of one <see cref="CpuDecodeStep"/> step of <paramref name="model"/> after a libtorch prefill, the token chosen
    /// by a managed argmax: the mean of the quickest window of 16 steps (so an optimistic figure for the step alone).
    /// </summary>
    private static double ManagedStepMicroseconds(DecoderLM model, IReadOnlyList<int> prompt, int tokens, int rows = 1)
    {
        using var noGrad = torch.no_grad();
        using var outer = torch.NewDisposeScope();
        var step = CpuDecodeStep.TryCreate(model)!;
        using var cache = model.NewCache(rows, prompt.Count + tokens + 1);
        var logits = model.Forward(torch.tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Count]).expand(rows, -1).contiguous(), cache, lastOnly: true); // (rows, 1, V)
        long[] next = logits.argmax(-1).reshape(-1).data<long>().ToArray();
        int V = model.Config.VocabSize;
        double best = double.MaxValue; // the quietest window of 16 steps: on a loaded machine a whole run is rarely uninterrupted
        for (int i = 0; i < tokens; i += 16)
        {
            var clock = Stopwatch.StartNew();
            for (int j = i; j < Math.Min(tokens, i + 16); j++)
            {
                var host = step.StepToHost(cache, next); // (rows × V) → tokens
                for (int r = 0; r < rows; r++) next[r] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(host.AsSpan(r * V, V));
            }
            best = Math.Min(best, clock.Elapsed.TotalMicroseconds / (Math.Min(tokens, i + 16) - i)); // per step (rows tokens)
        }
        return best;
    }

    /// <summary>Bytes/s one torch thread reads from memory: the best of 5 sums over a 512 MB float32 tensor (far beyond any cache).</summary>
    private static double StreamBytesPerSecond()
    {
        using var scope = torch.NewDisposeScope();
        var big = torch.ones(128L << 20);
        double best = 0;
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            _ = big.sum().item<float>();
            best = Math.Max(best, big.numel() * 4.0 / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>The fixed cost of one TorchSharp op on a tiny tensor (call, result handle, dispose scope): what bounds batch-1 decode of a small model.</summary>
    private static double SmallOpMicroseconds(int ops = 20000)
    {
        using var outer = torch.NewDisposeScope();
        var a = torch.randn(1, 128);
        var b = torch.randn(1, 128);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < ops; i += 100)
        {
            using var scope = torch.NewDisposeScope();
            for (int j = 0; j < 100; j++) _ = a.add(b);
        }
        return clock.Elapsed.TotalMicroseconds / ops;
    }

    private static void Drain(DecodeEngine engine, IReadOnlyList<int> prompt, int tokens, int choices = 1, double temperature = 0)
    {
        var reader = engine.Submit(new DecodeRequest { Prompt = prompt, Temperature = temperature, MaxTokens = tokens, IgnoreEos = true, Choices = choices, Seed = 1 });
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) while (reader.TryRead(out _)) { }
    }
}
