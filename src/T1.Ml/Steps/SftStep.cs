using System.ComponentModel.DataAnnotations;
using System.Globalization;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using T1.Ml.Training;
using T1.Workflows.Steps;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Steps;

/// <summary>
/// Supervised fine-tuning on a prompt/response dataset. Resumable: it stores its state as the artifact
/// <c>resume</c> every <c>save_every</c> steps, and an attempt that finds one (the worker died, the step is
/// retried, possibly on another host) continues from that step with the same data order.
/// </summary>
[StepMetric("loss", MetricGoal.Minimize)]
[StepType("sft", Category = "Training", Version = 1,
    Description = "Supervised fine-tuning of a decoder LM on a JSONL dataset of prompt/response pairs (e.g. from synthesize): loss on response tokens only, AdamW with warmup + cosine, gradient clipping, exact resume after a crash.")]
[StepOutput("checkpoint", Kind = ValueKind.Artifact, Artifact = "checkpoint", Description = "Checkpoint folder: config.json, model.safetensors, tokenizer files, trainer state.")]
[StepOutput("final_loss", Kind = ValueKind.Number, Description = "Mean training loss per response token over the last logged steps.")]
[StepOutput("steps", Kind = ValueKind.Integer, Description = "Optimizer steps taken.")]
public sealed partial class SftStep : StepHandler<SftStep.Inputs>
{
    /// <summary>The artifact this step saves its resumable state under.</summary>
    public const string ResumeArtifact = "resume";

    public sealed partial class Inputs
    {
        [StepInput(Artifact = "dataset", Required = true, Kind = ValueKind.Artifact, Data = DataRole.Training, Description = "JSONL dataset with prompt and response fields: the output of synthesize, or a JSONL file on the worker.")]
        public string Dataset { get; set; } = "";

        [StepInput(Artifact = "checkpoint", Description = "Where to start: a preset (tiny ≈1 M parameters, small ≈14 M) with a tokenizer trained on the dataset, a checkpoint artifact, or a Hugging Face model folder on the worker (e.g. Qwen2.5; its own tokenizer).")]
        public string Model { get; set; } = "tiny";

        [StepInput(Description = "Passes over the dataset.")]
        [Range(1, 100_000)]
        public int Epochs { get; set; } = SftDefaults.Epochs;

        [StepInput(Description = "Peak learning rate (after warmup; cosine decay to a tenth of it).")]
        [Range(1e-7, 1.0)]
        public double Lr { get; set; } = SftDefaults.LearningRate;

        [StepInput(Description = "Sequences per micro-batch.")]
        [Range(1, 4096)]
        public int BatchSize { get; set; } = SftDefaults.BatchSize;

        [StepInput(Advanced = true, Description = "Micro-batches per optimizer step (effective batch = batch_size × grad_accum).")]
        [Range(1, 1024)]
        public int GradAccum { get; set; } = 1;

        [StepInput(Description = "Longest training sequence in tokens (prompt + response + end of text); longer examples are left out and counted (metric examples_too_long), never cut.")]
        [Range(8, 32_768)]
        public int MaxLen { get; set; } = SftDefaults.MaxLen;

        [StepInput(Advanced = true, Description = "Linear warmup, in optimizer steps.")]
        [Range(0, 1_000_000)]
        public int Warmup { get; set; } = SftDefaults.Warmup;

        [StepInput(Advanced = true, Description = "Store a resumable checkpoint every this many optimizer steps (0 = never; a crash then restarts from scratch).")]
        [Range(0, 1_000_000)]
        public int SaveEvery { get; set; } = SftDefaults.SaveEvery;

        [StepInput(Description = "Seed of the model initialisation and the data order.")]
        public int Seed { get; set; }

        [StepInput(Description = "Compute device: auto (CUDA when present), cpu, cuda or cuda:N.")]
        public string Device { get; set; } = "auto";

        [StepInput(Advanced = true, Description = "Vocabulary of the tokenizer trained on the dataset when model is a preset (ignored for checkpoints).")]
        [Range(260, 65_536)]
        public int VocabSize { get; set; } = SftDefaults.VocabSize;

        [StepInput(Advanced = true, Description = "AdamW weight decay (matrices and embeddings only).")]
        [Range(0.0, 10.0)]
        public double WeightDecay { get; set; } = SftDefaults.WeightDecay;

        [StepInput(Advanced = true, Description = "Precision: fp32, or bf16 (bfloat16 weights and activations; float32 master weights and AdamW moments; the checkpoint is saved in bf16; half the memory, slower on CPUs without bf16 instructions).", OneOf = [ModelDtype.Fp32, ModelDtype.Bf16])]
        public string Dtype { get; set; } = ModelDtype.Fp32;

        [StepInput(Advanced = true, Description = "Recompute each layer's activations in backward instead of keeping them: activation memory of one layer instead of all, for about a third more compute.")]
        public bool GradCheckpoint { get; set; }
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        var options = new SftOptions
        {
            Epochs = inputs.Epochs, LearningRate = inputs.Lr, BatchSize = inputs.BatchSize, GradAccum = inputs.GradAccum,
            MaxLen = inputs.MaxLen, WarmupSteps = inputs.Warmup, SaveEvery = inputs.SaveEvery, Seed = inputs.Seed,
            WeightDecay = inputs.WeightDecay, LogEvery = 10,
        };
        Fail(() => options.Validate());
        var device = Fail(() => ComputeDevice.Initialize(inputs.Device, inputs.Seed));
        var dtype = Fail(() => ModelDtype.Parse(inputs.Dtype));

        var examples = await ReadDatasetAsync(inputs.Dataset, context, cancellationToken);
        var resume = await context.Artifacts.TryGetEarlierOutputAsync(ResumeArtifact, cancellationToken);
        var (model, tokenizer, origin) = resume is not null
            ? FromCheckpoint(resume, device, dtype, "the resume state") // weights are overwritten by the resume below
            : await StartingModelAsync(inputs, examples, device, dtype, context, cancellationToken);
        using var _ = model;
        model.GradCheckpoint = inputs.GradCheckpoint;
        if (inputs.MaxLen > model.Config.MaxPositions)
            throw new StepFailedException($"max_len {inputs.MaxLen} exceeds the model's {model.Config.MaxPositions} positions; lower max_len.");

        var data = SftData.Encode(examples, tokenizer, options.MaxLen);
        if (data.Examples.Count == 0)
            throw new StepFailedException($"no example fits max_len {options.MaxLen}: all {examples.Count} are longer (prompt + response + end of text); raise max_len.");
        // Metrics every 10 steps, more often in short runs (at least ~20 points per curve).
        options = options with { LogEvery = (int)Math.Clamp(SftTrainer.CountSteps(data.Examples.Count, options) / 20, 1, 10) };
        var trainer = new SftTrainer(model, tokenizer, options)
        {
            OnMetrics = m =>
            {
                context.Metrics.Log("loss", m.Step, m.Loss);
                context.Metrics.Log("lr", m.Step, m.LearningRate);
                context.Metrics.Log("grad_norm", m.Step, m.GradNorm);
                context.Metrics.Log("tokens_per_s", m.Step, m.TokensPerSecond);
                context.Metrics.Log("epoch", m.Step, m.Epoch);
                context.ReportProgress(m.Step, m.TotalSteps, string.Create(CultureInfo.InvariantCulture, $"step {m.Step}/{m.TotalSteps}, epoch {m.Epoch:F2}, loss {m.Loss:F4}"));
            },
            OnSaved = async (saved, ct) =>
            {
                await context.Artifacts.PutDirectoryAsync(ResumeArtifact, saved.Directory, "checkpoint", ct);
                context.Log.Info($"saved resumable state at step {saved.Step}");
            },
        };
        long total = trainer.TotalSteps(data);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"sft: {data.Examples.Count} examples ({data.Tokens} tokens, {data.TargetTokens} with loss; {data.TooLong} dropped as longer than max_len {options.MaxLen}); " +
            $"model {origin}, {model.ParameterCount:N0} parameters, vocabulary {tokenizer.VocabSize}; {total} steps " +
            $"({options.Epochs} epochs × batch {options.BatchSize} × grad_accum {options.GradAccum}); {device}"));
        context.Metrics.Log("examples_too_long", 0, data.TooLong);
        if (data.TooLong > 0)
            context.Log.Warn($"{data.TooLong} of {examples.Count} examples are longer than max_len {options.MaxLen} and were left out (cut, they would lose their end of text); raise max_len to train on them.");
        if (resume is not null)
            context.Log.Info($"resuming from step {Checkpoint.ReadTrainerState(resume)?.Step} of {total} (state saved by an earlier attempt)");

        var output = Path.Combine(context.WorkDirectory, "sft");
        SftResult result;
        try
        {
            result = await trainer.TrainAsync(data, output, resume, cancellationToken);
        }
        catch (InvalidOperationException e) when (resume is not null)
        {
            throw new StepFailedException($"cannot resume: {e.Message}", e);
        }
        var checkpoint = await context.Artifacts.PutDirectoryAsync("checkpoint", result.CheckpointDirectory, "checkpoint", cancellationToken);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"trained {result.Steps} steps{(result.ResumedFromStep is long r ? $" (resumed at {r})" : "")}: final loss {result.FinalLoss:F4}, " +
            $"{result.Tokens / Math.Max(result.Elapsed.TotalSeconds, 1e-9):F0} tokens/s{(result.SkippedSteps > 0 ? $", {result.SkippedSteps} steps skipped (non-finite gradients)" : "")}"));
        if (result.SkippedSteps > 0) context.Log.Warn($"{result.SkippedSteps} updates were skipped because the gradient was not finite; lower lr.");
        return new StepResult().Set("checkpoint", checkpoint).Set("final_loss", result.FinalLoss).Set("steps", result.Steps);
    }

    private static async Task<List<SftExample>> ReadDatasetAsync(string reference, StepContext context, CancellationToken ct)
    {
        string path;
        if (ArtifactRef.TryParse(reference, out var artifact)) path = await context.Artifacts.GetLocalPathAsync(artifact, ct);
        else if (File.Exists(reference)) path = reference; // a JSONL file on the worker, e.g. --param sft_data=/data/traces.jsonl
        else throw new StepFailedException($"dataset must be an artifact (e.g. ${{{{ steps.synth.outputs.dataset }}}}) or a JSONL file on this worker, got '{reference}' (no such file in {Directory.GetCurrentDirectory()}).");
        if (!File.Exists(path))
            throw new StepFailedException($"dataset {reference} is a folder, not a JSONL file; pass the dataset output of synthesize.");
        try
        {
            using var reader = new StreamReader(path);
            var examples = SftExample.ReadJsonl(reader).ToList();
            if (examples.Count == 0) throw new StepFailedException($"dataset {reference} has no examples.");
            return examples;
        }
        catch (FormatException e)
        {
            throw new StepFailedException($"dataset {reference}: {e.Message}. Each line must be a JSON object with prompt and response strings.", e);
        }
    }

    private static async Task<(DecoderLM, ITextTokenizer, string)> StartingModelAsync(
        Inputs inputs, List<SftExample> examples, ComputeDevice device, ScalarType dtype, StepContext context, CancellationToken ct)
    {
        if (ArtifactRef.TryParse(inputs.Model, out var artifact))
            return FromCheckpoint(await context.Artifacts.GetLocalPathAsync(artifact, ct), device, dtype, $"checkpoint {inputs.Model}");
        var name = inputs.Model.Trim().ToLowerInvariant();
        if (name is not ("tiny" or "small") && Directory.Exists(inputs.Model))
            // a Hugging Face folder on the worker's disk, e.g. a downloaded Qwen2.5 (config.json, safetensors, tokenizer)
            return FromCheckpoint(Path.GetFullPath(inputs.Model), device, dtype, $"local model folder '{inputs.Model}'");
        if (name is not ("tiny" or "small"))
            throw new StepFailedException($"model '{inputs.Model}' is neither a preset (tiny, small), a checkpoint artifact (t1://artifacts/…, e.g. ${{{{ steps.sft.outputs.checkpoint }}}}) nor an existing model folder on this worker (a Hugging Face folder with config.json, model.safetensors and tokenizer files).");
        var tokenizer = BpeTrainer.Train(examples.SelectMany(e => new[] { ChatFormat.PromptText(e.Prompt), e.Response }), inputs.VocabSize);
        torch.manual_seed(inputs.Seed);
        var model = DecoderLM.Create(ModelConfig.Preset(name, tokenizer.VocabSize), device.Device, dtype);
        return (model, tokenizer, $"{name} (new, tokenizer trained on the dataset)");
    }

    private static (DecoderLM, ITextTokenizer, string) FromCheckpoint(string directory, ComputeDevice device, ScalarType dtype, string what)
    {
        LoadedCheckpoint loaded;
        try { loaded = Checkpoint.Load(directory, device.Device, dtype); }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            throw new StepFailedException($"{what} is not a usable checkpoint: {e.Message}", e);
        }
        if (loaded.Tokenizer is null)
        {
            loaded.Dispose();
            throw new StepFailedException($"{what} has no tokenizer files (tokenizer.json or vocab.json + merges.txt); sft needs the tokenizer the model was trained with.");
        }
        return (loaded.Model, loaded.Tokenizer, what);
    }

    private static void Fail(Action action) => Fail(() => { action(); return 0; });

    private static T Fail<T>(Func<T> action)
    {
        try { return action(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new StepFailedException(e.Message, e);
        }
    }
}
