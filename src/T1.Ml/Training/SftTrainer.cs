using System.Diagnostics;
using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>
/// Supervised fine-tuning of a <see cref="DecoderLM"/> on prompt/response pairs: loss on response tokens
/// only, AdamW (decay on ≥2-D parameters), linear warmup + cosine decay, global-norm clipping, length
/// bucketing, gradient accumulation. Every <see cref="SftOptions.SaveEvery"/> steps it writes a resumable
/// checkpoint (weights, tokenizer, optimizer moments, step, data position, RNG); a run started with
/// <c>resumeFrom</c> continues from that step with the same batches, so its loss curve is the one the
/// uninterrupted run would have drawn.
/// <code>
/// var trainer = new SftTrainer(model, tokenizer, options) { OnMetrics = m => Console.WriteLine(m) };
/// var result = await trainer.TrainAsync(SftData.Encode(examples, tokenizer, options.MaxLen), "out", resumeFrom: null, ct);
/// </code>
/// </summary>
public sealed class SftTrainer
{
    /// <summary>Subfolder of the output folder with the latest resumable checkpoint.</summary>
    public const string ResumeFolder = "resume";

    /// <summary>Subfolder of the output folder with the final checkpoint.</summary>
    public const string FinalFolder = "checkpoint";

    private readonly DecoderLM _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly SftOptions _options;

    public SftTrainer(DecoderLM model, ITextTokenizer tokenizer, SftOptions options)
    {
        _model = model;
        _tokenizer = tokenizer;
        _options = options.Validate();
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary is {model.Config.VocabSize}.");
        if (options.MaxLen > model.Config.MaxPositions)
            throw new ArgumentException($"max_len {options.MaxLen} exceeds the model's {model.Config.MaxPositions} positions; lower max_len.");
    }

    /// <summary>Called every <see cref="SftOptions.LogEvery"/> steps and after the last one.</summary>
    public Action<SftMetrics>? OnMetrics { get; init; }

    /// <summary>Called (and awaited) after each resumable checkpoint is written, e.g. to upload it.</summary>
    public Func<SftSaved, CancellationToken, Task>? OnSaved { get; init; }

    /// <summary>Optimizer steps a run over <paramref name="data"/> takes with these options.</summary>
    public long TotalSteps(SftData data) => CountSteps(data.Examples.Count, _options);

    /// <summary>Optimizer steps of a run over <paramref name="examples"/> examples with <paramref name="options"/>.</summary>
    public static long CountSteps(int examples, SftOptions options)
    {
        long micro = (long)options.Epochs * ((examples + options.BatchSize - 1) / options.BatchSize);
        long steps = (micro + options.GradAccum - 1) / options.GradAccum;
        return options.MaxSteps is int max ? Math.Min(steps, max) : steps;
    }

    /// <summary>
    /// Trains on <paramref name="data"/>. Resumable checkpoints go to <c>outputDirectory/resume</c>, the final
    /// one to <c>outputDirectory/checkpoint</c>. With <paramref name="resumeFrom"/> (a folder this trainer
    /// saved for the same data and options) training continues after its step; a folder from another run
    /// is refused. Cancellation stops between micro-batches with <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<SftResult> TrainAsync(SftData data, string outputDirectory, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        var o = _options;
        var plan = new SftBatchPlan(data.Examples, o.BatchSize, o.BucketBatches, o.Seed);
        long total = CountSteps(data.Examples.Count, o);
        long totalMicro = (long)o.Epochs * plan.BatchesPerEpoch;
        var fingerprint = Fingerprint(data, plan, total);

        _model.train();
        using var optimizer = _model.CreateAdamW(o.LearningRate, o.WeightDecay, o.Beta1, o.Beta2);
        int workers = _model.ParameterCount <= MaxPartsParameters ? CpuWorkers.For(_model.Device) : 1;
        var trainable = _model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToList();
        long step = 0;
        long? resumedFrom = null;
        Window? resumedWindow = null;
        if (resumeFrom is not null)
        {
            var saved = Checkpoint.ReadTrainerState(resumeFrom)
                ?? throw new InvalidOperationException($"'{resumeFrom}' has no {Checkpoint.TrainerStateFile}: it is not a resumable SFT checkpoint.");
            CheckSameRun(saved, fingerprint, resumeFrom);
            step = Checkpoint.Resume(resumeFrom, _model, optimizer)!.Step;
            resumedFrom = step;
            resumedWindow = Window.FromJson(saved.Extra?["window"] as JsonObject);
        }

        var clock = Stopwatch.StartNew();
        // A resumed run continues the reporting window the saved state was in, so it logs exactly the points an
        // uninterrupted run logs (the first report after a resume is not averaged over a partial window).
        var window = resumedWindow ?? new Window();
        long tokens = 0;
        int skipped = 0;
        double lastLoss = double.NaN;
        while (step < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long first = step * o.GradAccum, end = Math.Min(first + o.GradAccum, totalMicro);
            var rows = new List<IReadOnlyList<EncodedExample>>();
            for (long i = first; i < end; i++) rows.Add(plan.At(i).Select(k => data.Examples[k]).ToList());
            // The loss of a step is the mean over all its response tokens, however they split into micro-batches.
            double stepTargets = rows.Sum(r => r.Sum(e => (double)e.TargetCount));
            double lr = LrSchedule.WarmupCosine(step + 1, o.WarmupSteps, total, o.LearningRate, o.MinLrRatio);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

            optimizer.zero_grad();
            double lossSum = 0;
            foreach (var micro in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (workers > 1 && micro.Count > 1)
                {
                    var (partLoss, partTokens) = BackwardInParts(micro, stepTargets, workers, trainable);
                    lossSum += partLoss;
                    tokens += partTokens;
                    window.Tokens += partTokens;
                    continue;
                }
                using var scope = NewDisposeScope();
                using var batch = SftBatch.Collate(micro, _tokenizer.Special.Pad, _model.Device);
                var loss = Loss(batch, stepTargets);
                loss.backward();
                lossSum += TensorValues.Float(loss);
                tokens += batch.Tokens;
                window.Tokens += batch.Tokens;
            }
            double norm = GradientClipping.ClipGlobalNorm(_model.parameters(), o.GradClip);
            if (GradientClipping.IsUsable(norm)) optimizer.step();
            else skipped++;
            step++;
            window.Add(lossSum, norm);

            if (step % o.LogEvery == 0 || step == total)
            {
                lastLoss = window.Loss;
                double seconds = clock.Elapsed.TotalSeconds - window.StartSeconds;
                OnMetrics?.Invoke(new SftMetrics(step, total, (double)Math.Min(step * o.GradAccum, totalMicro) / plan.BatchesPerEpoch,
                    window.Loss, lr, window.GradNorm, seconds > 0 ? window.Tokens / seconds : 0));
                window = new Window { StartSeconds = clock.Elapsed.TotalSeconds };
            }
            if (o.SaveEvery > 0 && step % o.SaveEvery == 0 && step < total)
            {
                var dir = Path.Combine(outputDirectory, ResumeFolder);
                Checkpoint.Save(dir, _model, _tokenizer, State(step, Math.Min(step * o.GradAccum, totalMicro), fingerprint, window), optimizer);
                if (OnSaved is not null) await OnSaved(new SftSaved(step, dir), cancellationToken);
            }
        }
        _model.eval();
        var final = Path.Combine(outputDirectory, FinalFolder);
        Checkpoint.Save(final, _model, _tokenizer, State(step, totalMicro, fingerprint));
        return new SftResult(step, resumedFrom, lastLoss, tokens, clock.Elapsed, skipped, final);
    }

    /// <summary>
    /// The largest model whose micro-batches are cut into parts (<see cref="BackwardInParts"/>). Each part holds a whole
    /// set of gradients and its own chunk of logits until they are added, which <c>t1 plan</c> does not count: for a model
    /// this size that is at most 64 MB of gradients and one 128 MB logits chunk a part; larger models train as one batch.
    /// </summary>
    public const long MaxPartsParameters = 16_000_000;

    /// <summary>
    /// One micro-batch's gradient on CPU, data-parallel: the rows are cut into <paramref name="workers"/> contiguous parts,
    /// each part's loss (its share of the step's mean, Σ over its response tokens ÷ <paramref name="stepTargets"/>) is
    /// differentiated on its own thread with one torch thread, and the parts' gradients are added in part order into
    /// the parameters' gradients, so the sum is the micro-batch's gradient and a run is reproducible. (A small model's
    /// ops gain little from two intra-op threads; whole halves on separate cores do: bench/RESULTS.md.)
    /// </summary>
    private (double Loss, long Tokens) BackwardInParts(IReadOnlyList<EncodedExample> micro, double stepTargets, int workers, List<Tensor> trainable)
    {
        int parts = Math.Min(workers, micro.Count);
        var rows = micro as List<EncodedExample> ?? micro.ToList();
        var results = CpuWorkers.Run(parts, parts, p =>
        {
            using var scope = NewDisposeScope();
            using var batch = SftBatch.Collate(rows[CpuWorkers.Part(rows.Count, parts, p)], _tokenizer.Special.Pad, _model.Device);
            var loss = Loss(batch, stepTargets);
            var grads = GradientParts.Of(loss, trainable);
            return (Grads: grads, Loss: TensorValues.Float(loss), Tokens: (long)batch.Tokens);
        });
        GradientParts.AddInto(trainable, results.Select(r => r.Grads).ToList());
        return (results.Sum(r => r.Loss), results.Sum(r => r.Tokens));
    }

    /// <summary>
    /// The batch's share of the step's loss: Σ −log p over its response tokens ÷ <paramref name="stepTargets"/> (all the
    /// step's response tokens), by chunks of positions, never the whole (B, T, V) logits.
    /// </summary>
    private Tensor Loss(SftBatch batch, double stepTargets)
    {
        var (logp, _) = TokenLogProbs.OfNextTokens(_model, batch.Inputs, batch.Targets); // (B, T)
        return (-(logp * batch.Mask).sum()).DividedBy(stepTargets);                     // scalar
    }

    private TrainerState State(long step, long dataPosition, JsonObject fingerprint, Window? window = null)
    {
        var extra = new JsonObject { ["kind"] = "sft", ["run"] = fingerprint.DeepClone() };
        if (window is not null) extra["window"] = window.ToJson();
        return new TrainerState { Step = step, DataPosition = dataPosition, Seed = _options.Seed, Extra = extra };
    }

    /// <summary>What must be equal for a saved state to continue this run.</summary>
    private JsonObject Fingerprint(SftData data, SftBatchPlan plan, long total) => new()
    {
        ["examples"] = data.Examples.Count,
        ["tokens"] = data.Tokens,
        ["batches_per_epoch"] = plan.BatchesPerEpoch,
        ["total_steps"] = total,
        ["batch_size"] = _options.BatchSize,
        ["grad_accum"] = _options.GradAccum,
        ["seed"] = _options.Seed,
    };

    private static void CheckSameRun(TrainerState saved, JsonObject fingerprint, string directory)
    {
        var run = saved.Extra?["run"] as JsonObject;
        if ((string?)saved.Extra?["kind"] != "sft" || run is null)
            throw new InvalidOperationException($"'{directory}' is not an SFT trainer state; start without resume.");
        foreach (var (key, value) in fingerprint)
        {
            if (run[key]?.ToJsonString() != value?.ToJsonString())
                throw new InvalidOperationException(
                    $"'{directory}' was saved by a different SFT run ({key} {run[key]?.ToJsonString() ?? "missing"}, this run {value?.ToJsonString()}); " +
                    "resume needs the same dataset, batch_size, grad_accum, epochs and seed — start without resume.");
        }
    }

    /// <summary>Sums over the steps since the last report.</summary>
    private sealed class Window
    {
        private double _loss, _norm;
        private int _steps;
        public double StartSeconds { get; init; }
        public long Tokens { get; set; }
        public double Loss => _steps == 0 ? double.NaN : _loss / _steps;
        public double GradNorm => _steps == 0 ? double.NaN : _norm / _steps;

        public void Add(double loss, double norm)
        {
            _loss += loss;
            _norm += norm;
            _steps++;
        }

        /// <summary>The sums a resume needs (time is not carried: tokens/s restarts with the new process).</summary>
        public JsonObject ToJson() => new()
        {
            ["loss_sum"] = Finite(_loss), ["grad_norm_sum"] = Finite(_norm), ["steps"] = _steps, ["tokens"] = Tokens,
        };

        public static Window? FromJson(JsonObject? json)
        {
            if (json is null) return null;
            var w = new Window { Tokens = (long?)json["tokens"] ?? 0 };
            w._loss = (double?)json["loss_sum"] ?? double.NaN;
            w._norm = (double?)json["grad_norm_sum"] ?? double.NaN;
            w._steps = (int?)json["steps"] ?? 0;
            return w;
        }

        // JSON has no NaN: a non-finite sum is stored as null and read back as NaN (the report it feeds is NaN either way).
        private static double? Finite(double v) => double.IsFinite(v) ? v : null;
    }
}
