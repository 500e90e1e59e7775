using System.ComponentModel.DataAnnotations;
using System.Globalization;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Tasks;
using T1.Ml.Training;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>T1 reinforcement learning: oversampled on-policy policy gradient with entropy bonus and a dynamic KL anchor.</summary>
[StepType("rl", Category = "Training", Version = 1,
    Description = "On-policy RL from a checkpoint: K samples per prompt at high temperature, verifier reward (−1 for overlong, repetitive or unparsable responses), leave-one-out baseline, entropy bonus and a centred KL penalty to a dynamic EMA anchor. Health alarms stop the step on entropy collapse, KL blow-up or length runaway; it saves a resumable state every save_every steps and resumes from it after a crash.")]
[StepOutput("checkpoint", Kind = ValueKind.Artifact, Description = "The trained policy: a checkpoint folder (Hugging Face Qwen2 layout, tokenizer inside).")]
[StepOutput("steps", Kind = ValueKind.Integer, Description = "RL steps completed (the step counter at the end).")]
[StepOutput("resumed_from", Kind = ValueKind.Integer, Description = "The step this attempt resumed from (0 when it started fresh).")]
[StepOutput("accuracy", Kind = ValueKind.Number, Description = "Share of sampled responses the verifier accepted, over the last 10% of steps.")]
[StepOutput("reward", Kind = ValueKind.Number, Description = "Mean reward over the last 10% of steps.")]
public sealed class RlStep : StepHandler<RlStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(Required = true, Kind = ValueKind.Artifact, Description = "Checkpoint to start from (usually the sft step's checkpoint).")]
        public string Init { get; set; } = "";

        [StepInput(Description = "Generator of the training prompts (training split; never a held-out problem), or jsonl with source. Ignored when prompts is given.", OneOf = ["arithmetic", "countdown", "linear", "jsonl"])]
        public string Task { get; set; } = "arithmetic";

        [StepInput(Description = "Prompts from a dataset artifact instead of task: JSONL with prompt (or problem/question) and answer, e.g. the synthesize output. A task name is accepted here too.")]
        public string? Prompts { get; set; }

        [StepInput(Description = "Difficulty of generated prompts, 1 to 5.")]
        [Range(1, 5)]
        public int Difficulty { get; set; } = 1;

        [StepInput(Description = "jsonl only: path of the JSONL file.")]
        public string? Source { get; set; }

        [StepInput(Description = "Distinct prompts in the pool (0 = steps × prompts_per_step, at most 10000); the pool is visited in a seeded order, epoch after epoch.")]
        [Range(0, 1_000_000)]
        public int PromptCount { get; set; }

        [StepInput(Description = "RL steps: one rollout and one optimizer update each.")]
        [Range(1, 1_000_000)]
        public int Steps { get; set; } = 100;

        [StepInput(Description = "Distinct prompts per step.")]
        [Range(1, 4096)]
        public int PromptsPerStep { get; set; } = 8;

        [StepInput(Description = "K: responses sampled per prompt (the paper used 64).")]
        [Range(2, 1024)]
        public int SamplesPerPrompt { get; set; } = 16;

        [StepInput(Description = "Sampling temperature of the rollouts.")]
        [Range(0.01, 5.0)]
        public double Temperature { get; set; } = 1.2;

        [StepInput(Description = "Nucleus sampling of the rollouts (1 = off).")]
        [Range(0.01, 1.0)]
        public double TopP { get; set; } = 1.0;

        [StepInput(Description = "Most response tokens; a response that reaches it is overlong (reward overlong_penalty).")]
        [Range(1, 131_072)]
        public int MaxNewTokens { get; set; } = 256;

        [StepInput(Description = "AdamW learning rate (constant after warmup_steps).")]
        [Range(1e-9, 1.0)]
        public double Lr { get; set; } = 3e-4;

        [StepInput(Description = "Steps of linear learning-rate warmup.")]
        [Range(0, 1_000_000)]
        public int WarmupSteps { get; set; } = 5;

        [StepInput(Description = "Global gradient-norm clip.")]
        [Range(1e-6, 1e6)]
        public double GradClip { get; set; } = 1.0;

        [StepInput(Description = "α: weight of the entropy bonus (mean token entropy of the responses).")]
        [Range(0.0, 10.0)]
        public double EntropyCoef { get; set; } = 0.001;

        [StepInput(Description = "β: weight of the KL(π‖π_ref) penalty, centred over the K samples of a prompt.")]
        [Range(0.0, 10.0)]
        public double KlCoef { get; set; } = 0.02;

        [StepInput(Description = "γ of the dynamic anchor: θ_ref ← γ·θ_ref + (1−γ)·θ.")]
        [Range(0.0, 1.0)]
        public double AnchorEma { get; set; } = 0.9;

        [StepInput(Description = "N: refresh the anchor every N steps.")]
        [Range(1, 1_000_000)]
        public int AnchorEvery { get; set; } = 5;

        [StepInput(Description = "Reward of an overlong, repetitive or unparsable response (≤ 0; the verifier gives 1 or 0 otherwise).")]
        [Range(-100.0, 0.0)]
        public double OverlongPenalty { get; set; } = -1.0;

        [StepInput(Description = "n of the repetition check: a response in which one n-token sequence occurs 3 or more times is repetitive (0 = off).")]
        [Range(0, 4096)]
        public int RepetitionNgram { get; set; } = 24;

        [StepInput(Description = "Sequences per forward/backward pass (gradient accumulation; bounds memory only).")]
        [Range(1, 4096)]
        public int MicroBatch { get; set; } = 64;

        [StepInput(Description = "Save a resumable state (policy, optimizer, anchor, step) every this many steps (0 = only at the end).")]
        [Range(0, 1_000_000)]
        public int SaveEvery { get; set; } = 10;

        [StepInput(Description = "Seed of the prompt pool, prompt order and rollouts.")]
        public int Seed { get; set; }

        [StepInput(Description = "Compute device.", OneOf = ["auto", "cpu", "cuda"])]
        public string Device { get; set; } = "auto";

        [StepInput(Description = "Entropy-collapse alarm: fail when the mean token entropy stays below this (nats) for alarm_patience steps (0 = off).")]
        [Range(0.0, 100.0)]
        public double AlarmEntropyMin { get; set; } = 0.005;

        [StepInput(Description = "KL blow-up alarm: fail when the mean KL(π‖π_ref) per response stays above this (nats) for alarm_patience steps (0 = off).")]
        [Range(0.0, 1e9)]
        public double AlarmKlMax { get; set; } = 50.0;

        [StepInput(Description = "Length-runaway alarm: fail when more than this share of responses hit max_new_tokens for alarm_patience steps (0 = off).")]
        [Range(0.0, 1.0)]
        public double AlarmOverlongMax { get; set; } = 0.9;

        [StepInput(Description = "Consecutive bad steps before an alarm fails the step.")]
        [Range(1, 1000)]
        public int AlarmPatience { get; set; } = 3;

        public RlOptions ToOptions() => new()
        {
            Steps = Steps, PromptsPerStep = PromptsPerStep, SamplesPerPrompt = SamplesPerPrompt, Temperature = Temperature, TopP = TopP,
            MaxNewTokens = MaxNewTokens, Lr = Lr, WarmupSteps = WarmupSteps, GradClip = GradClip, EntropyCoef = EntropyCoef, KlCoef = KlCoef,
            AnchorEma = AnchorEma, AnchorEvery = AnchorEvery, OverlongPenalty = OverlongPenalty, RepetitionNgram = RepetitionNgram,
            MicroBatch = MicroBatch, Seed = Seed,
            Alarms = new RlAlarmOptions { EntropyMin = AlarmEntropyMin, KlMax = AlarmKlMax, OverlongMax = AlarmOverlongMax, Patience = AlarmPatience },
        };
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        RlOptions options;
        try { options = inputs.ToOptions().Validate(); }
        catch (ArgumentException e) { throw new StepFailedException($"step '{context.StepId}': {e.Message}"); }
        var compute = StepCompute.Initialize(inputs.Device, inputs.Seed, context);

        var poolSize = inputs.PromptCount > 0 ? inputs.PromptCount : (int)Math.Min(10_000L, (long)inputs.Steps * inputs.PromptsPerStep);
        var fromPrompts = !string.IsNullOrWhiteSpace(inputs.Prompts);
        var pool = await StepProblems.LoadAsync(context, fromPrompts ? inputs.Prompts! : inputs.Task, fromPrompts ? "prompts" : "task", ProblemSplit.Train, poolSize, inputs.Seed, inputs.Difficulty, inputs.Source, cancellationToken);
        var init = await context.Artifacts.GetLocalPathAsync(ArtifactRef.Parse(inputs.Init), cancellationToken);
        using var loaded = StepCompute.LoadCheckpoint(init, compute, context, "init");
        using var trainer = new RlTrainer(loaded.Model, loaded.Tokenizer!, pool.Problems, options);

        long resumedFrom = 0;
        if (await context.Artifacts.TryGetEarlierOutputAsync("resume", cancellationToken) is { } earlier && trainer.TryResume(earlier))
        {
            resumedFrom = trainer.Step;
            context.Log.Info($"resuming from step {resumedFrom} of {options.Steps}, saved by an earlier attempt");
        }
        context.Log.Info($"rl on {compute}: {pool.Problems.Count} prompts from {pool.Description}; {options.PromptsPerStep} prompts × K={options.SamplesPerPrompt} per step, temperature {F(options.Temperature)}, lr {F(options.Lr)}, α {F(options.EntropyCoef)}, β {F(options.KlCoef)}");

        var recent = new List<RlStepResult>();
        string? previousSave = null;
        while (trainer.Step < options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RlStepResult r;
            try { r = trainer.TrainStep(); }
            catch (RlAlarmException e)
            {
                await context.Metrics.FlushAsync(CancellationToken.None);
                throw new StepFailedException($"step '{context.StepId}': {e.Message}", e);
            }
            foreach (var (key, value) in r.Metrics()) context.Metrics.Log(key, r.Step, value);
            recent.Add(r);
            context.ReportProgress(r.Step, options.Steps, "steps");
            if (r.Step == 1 || r.Step % 10 == 0 || r.Step == options.Steps)
                context.Log.Info($"step {r.Step}/{options.Steps}: reward {F(r.Reward)}, accuracy {F(r.Accuracy)}, pass@K {F(r.PassAtK)}, length {r.MeanResponseLen:0.#} (max {r.MaxResponseLen}), entropy {F(r.Entropy)}, kl {F(r.Kl)}, {r.RolloutTokensPerS:0} rollout tok/s");
            if (r.UpdateSkipped) context.Log.Warn($"step {r.Step}: the gradient was not finite; the update was skipped");
            if (inputs.SaveEvery > 0 && r.Step % inputs.SaveEvery == 0 && r.Step < options.Steps)
            {
                var dir = Path.Combine(context.WorkDirectory, $"resume-{r.Step}");
                trainer.SaveState(dir);
                // Metrics first: every step up to a saved state is stored before a retry can resume after it.
                await context.Metrics.FlushAsync(cancellationToken);
                await context.Artifacts.PutDirectoryAsync("resume", dir, "checkpoint", cancellationToken);
                if (previousSave is not null) Directory.Delete(previousSave, recursive: true);
                previousSave = dir;
            }
        }

        var output = Path.Combine(context.WorkDirectory, "checkpoint");
        trainer.SaveModel(output);
        var checkpoint = await context.Artifacts.PutDirectoryAsync("checkpoint", output, "checkpoint", cancellationToken);
        var tail = recent.Skip(recent.Count - Math.Max(1, recent.Count / 10)).ToList();
        var result = new StepResult().Set("checkpoint", checkpoint).Set("steps", trainer.Step).Set("resumed_from", resumedFrom);
        if (tail.Count > 0) result.Set("accuracy", tail.Average(x => x.Accuracy)).Set("reward", tail.Average(x => x.Reward));
        return result;
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
