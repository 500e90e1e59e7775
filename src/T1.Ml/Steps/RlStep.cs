using System.ComponentModel.DataAnnotations;
using System.Globalization;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Tasks;
using T1.Ml.Training;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>T1 reinforcement learning: oversampled on-policy policy gradient with entropy bonus and a dynamic KL anchor.</summary>
[StepMetric("reward", MetricGoal.Maximize)]
[StepMetric("accuracy", MetricGoal.Maximize)]
[StepMetric("pass_at_k", MetricGoal.Maximize)]
[StepType("rl", Category = "Training", Version = 1,
    Description = "On-policy RL from a checkpoint: K samples per prompt at high temperature, verifier reward (−1 for overlong, repetitive or unparsable responses), leave-one-out baseline, a clipped policy loss (ppo_epochs passes, clip_low/clip_high), entropy bonus and a per-token KL loss to a dynamic EMA anchor, all under softmax(z/T); filter_groups drops groups without signal and refills them. Health alarms stop the step on entropy collapse, KL blow-up or length runaway; it saves a resumable state every save_every steps and resumes from it after a crash.")]
[StepOutput("checkpoint", Kind = ValueKind.Artifact, Artifact = "checkpoint", Description = "The trained policy: a checkpoint folder (Hugging Face Qwen2 layout, tokenizer inside).")]
[StepOutput("steps", Kind = ValueKind.Integer, Description = "RL steps completed (the step counter at the end).")]
[StepOutput("resumed_from", Kind = ValueKind.Integer, Description = "The step this attempt resumed from (0 when it started fresh).")]
[StepOutput("accuracy", Kind = ValueKind.Number, Description = "Share of sampled responses the verifier accepted, over the last 10% of steps.")]
[StepOutput("reward", Kind = ValueKind.Number, Description = "Mean reward over the last 10% of steps.")]
public sealed partial class RlStep : StepHandler<RlStep.Inputs>
{
    public sealed partial class Inputs
    {
        [StepInput(Artifact = "checkpoint", Required = true, Kind = ValueKind.Artifact, Description = "Checkpoint to start from (usually the sft step's checkpoint).")]
        public string Init { get; set; } = "";

        [StepInput(Description = "Generator of the training prompts (training split; never a held-out problem), or jsonl with source. Ignored when prompts is given.", OneOf = ["arithmetic", "countdown", "linear", "jsonl"])]
        public string Task { get; set; } = "arithmetic";

        [StepInput(Artifact = "dataset", Data = DataRole.Training, Description = "Prompts from a dataset artifact instead of task: JSONL with prompt (or problem/question) and answer, e.g. the synthesize output. A task name is accepted here too.")]
        public string? Prompts { get; set; }

        [StepInput(Description = "Difficulty of generated prompts, 1 to 5.")]
        [Range(1, 5)]
        public int Difficulty { get; set; } = 1;

        [StepInput(Advanced = true, Data = DataRole.Training, Description = "jsonl only: path of the JSONL file of training problems (never a benchmark that an evaluate step of the workflow reads).")]
        public string? Source { get; set; }

        [StepInput(Description = "Distinct prompts in the pool (0 = steps × prompts_per_step, at most 10000); the pool is visited in a seeded order, epoch after epoch.")]
        [Range(0, 1_000_000)]
        public int PromptCount { get; set; }

        [StepInput(Description = "RL steps: one rollout and one optimizer update each.")]
        [Range(1, 1_000_000)]
        public int Steps { get; set; } = RlDefaults.Steps;

        [StepInput(Description = "Distinct prompts per step.")]
        [Range(1, 4096)]
        public int PromptsPerStep { get; set; } = RlDefaults.PromptsPerStep;

        [StepInput(Description = "K: responses sampled per prompt (the paper used 64).")]
        [Range(2, 1024)]
        public int SamplesPerPrompt { get; set; } = RlDefaults.SamplesPerPrompt;

        [StepInput(Description = "T: rollouts sample softmax(z/T), and the loss's log-probabilities, entropy and KL are all of softmax(z/T).")]
        [Range(0.01, 5.0)]
        public double Temperature { get; set; } = RlDefaults.Temperature;

        [StepInput(Advanced = true, Description = "Nucleus sampling of the rollouts (1 = off).")]
        [Range(0.01, 1.0)]
        public double TopP { get; set; } = RlDefaults.TopP;

        [StepInput(Description = "Most response tokens; a response that reaches it is overlong (reward overlong_penalty).")]
        [Range(1, 131_072)]
        public int MaxNewTokens { get; set; } = RlDefaults.MaxNewTokens;

        [StepInput(Description = "AdamW learning rate (constant after warmup_steps).")]
        [Range(1e-9, 1.0)]
        public double Lr { get; set; } = RlDefaults.Lr;

        [StepInput(Advanced = true, Description = "Steps of linear learning-rate warmup.")]
        [Range(0, 1_000_000)]
        public int WarmupSteps { get; set; } = RlDefaults.WarmupSteps;

        [StepInput(Advanced = true, Description = "Global gradient-norm clip.")]
        [Range(1e-6, 1e6)]
        public double GradClip { get; set; } = RlDefaults.GradClip;

        [StepInput(Advanced = true, Description = "α: weight of the entropy bonus (token entropy of the responses, aggregated as loss_agg).")]
        [Range(0.0, 10.0)]
        public double EntropyCoef { get; set; } = RlDefaults.EntropyCoef;

        [StepInput(Advanced = true, Description = "β: weight of the per-token KL(π‖π_ref) loss term against the dynamic anchor.")]
        [Range(0.0, 10.0)]
        public double KlCoef { get; set; } = RlDefaults.KlCoef;

        [StepInput(Advanced = true, Description = "Per-token KL estimator of the loss term: k2 = ½(log π − log π_ref)², whose gradient is that of KL(π‖π_ref); k3 = the low-variance estimate (veRL low_var_kl), whose gradient is that of KL(π_ref‖π).", OneOf = ["k2", "k3"])]
        public string KlEstimator { get; set; } = RlDefaults.KlEstimator;

        [StepInput(Advanced = true, Description = "Passes over each rollout (PPO epochs); beyond 1, the importance ratio π/π_old is clipped to [1 − clip_low, 1 + clip_high].")]
        [Range(1, 100)]
        public int PpoEpochs { get; set; } = RlDefaults.PpoEpochs;

        [StepInput(Advanced = true, Description = "Optimizer updates per pass: the rollout is shuffled and cut into this many minibatches.")]
        [Range(1, 4096)]
        public int Minibatches { get; set; } = RlDefaults.Minibatches;

        [StepInput(Advanced = true, Description = "ε_low: lower clip of the importance ratio, 1 − clip_low.")]
        [Range(0.001, 0.999)]
        public double ClipLow { get; set; } = RlDefaults.ClipLow;

        [StepInput(Advanced = true, Description = "ε_high: upper clip of the importance ratio, 1 + clip_high (DAPO clip-higher when above clip_low).")]
        [Range(0.001, 100.0)]
        public double ClipHigh { get; set; } = RlDefaults.ClipHigh;

        [StepInput(Advanced = true, Description = "Loss aggregation: token = mean over all response tokens (DAPO); sequence = sum over each response's tokens, mean over responses.", OneOf = ["token", "sequence"])]
        public string LossAgg { get; set; } = RlDefaults.LossAgg;

        [StepInput(Advanced = true, Description = "Drop groups whose K rewards are all equal (no learning signal) and sample further prompts to refill, up to filter_max_rounds rollouts a step.")]
        public bool FilterGroups { get; set; } = RlDefaults.FilterGroups;

        [StepInput(Advanced = true, Description = "filter_groups only: most rollout rounds a step (the first included).")]
        [Range(1, 100)]
        public int FilterMaxRounds { get; set; } = RlDefaults.FilterMaxRounds;

        [StepInput(Advanced = true, Description = "γ of the dynamic anchor: θ_ref ← γ·θ_ref + (1−γ)·θ.")]
        [Range(0.0, 1.0)]
        public double AnchorEma { get; set; } = RlDefaults.AnchorEma;

        [StepInput(Advanced = true, Description = "N: refresh the anchor every N steps.")]
        [Range(1, 1_000_000)]
        public int AnchorEvery { get; set; } = RlDefaults.AnchorEvery;

        [StepInput(Advanced = true, Description = "Reward of an overlong, repetitive or unparsable response (≤ 0; the verifier gives 1 or 0 otherwise).")]
        [Range(-100.0, 0.0)]
        public double OverlongPenalty { get; set; } = RlDefaults.OverlongPenalty;

        [StepInput(Advanced = true, Description = "n of the repetition check: a response in which one n-token sequence occurs 3 or more times is repetitive (0 = off).")]
        [Range(0, 4096)]
        public int RepetitionNgram { get; set; } = RlDefaults.RepetitionNgram;

        [StepInput(Advanced = true, Description = "Sequences per forward/backward pass (gradient accumulation; bounds memory only).")]
        [Range(1, 4096)]
        public int MicroBatch { get; set; } = RlDefaults.MicroBatch;

        [StepInput(Advanced = true, Description = "Most responses decoded together in a rollout batch (bounds the KV cache with max_batch_tokens).")]
        [Range(1, 65_536)]
        public int RolloutBatch { get; set; } = RlDefaults.RolloutBatch;

        [StepInput(Advanced = true, Description = "Most KV-cache positions of a rollout batch: at most max_batch_tokens / (longest prompt + max_new_tokens) responses are decoded together (0 = rollout_batch only).")]
        [Range(0, 1_000_000_000)]
        public int MaxBatchTokens { get; set; } = RlDefaults.MaxBatchTokens;

        [StepInput(Advanced = true, Description = "Save a resumable state (policy, optimizer, anchor, step) every this many steps (0 = only at the end).")]
        [Range(0, 1_000_000)]
        public int SaveEvery { get; set; } = RlDefaults.SaveEvery;

        [StepInput(Description = "Seed of the prompt pool, prompt order and rollouts.")]
        public int Seed { get; set; }

        [StepInput(Description = "Compute device.", OneOf = ["auto", "cpu", "cuda"])]
        public string Device { get; set; } = "auto";

        [StepInput(Advanced = true, Description = "Precision: fp32, or bf16 (bfloat16 weights and activations; float32 master weights and AdamW moments; rollouts, π_ref and the checkpoint in bf16; half the memory, slower on CPUs without bf16 instructions).", OneOf = [ModelDtype.Fp32, ModelDtype.Bf16])]
        public string Dtype { get; set; } = ModelDtype.Fp32;

        [StepInput(Advanced = true, Description = "Recompute each layer's activations in backward instead of keeping them: activation memory of one layer instead of all, for about a third more compute.")]
        public bool GradCheckpoint { get; set; }

        [StepInput(Advanced = true, Description = "Entropy-collapse alarm: fail when the mean token entropy stays below this (nats) for alarm_patience steps (0 = off).")]
        [Range(0.0, 100.0)]
        public double AlarmEntropyMin { get; set; } = RlDefaults.AlarmEntropyMin;

        [StepInput(Advanced = true, Description = "KL blow-up alarm: fail when the mean KL(π‖π_ref) per response token stays above this (nats) for alarm_patience steps (0 = off).")]
        [Range(0.0, 1e9)]
        public double AlarmKlMax { get; set; } = RlDefaults.AlarmKlMax;

        [StepInput(Advanced = true, Description = "Length-runaway alarm: fail when more than this share of responses hit max_new_tokens for alarm_patience steps (0 = off).")]
        [Range(0.0, 1.0)]
        public double AlarmOverlongMax { get; set; } = RlDefaults.AlarmOverlongMax;

        [StepInput(Advanced = true, Description = "Consecutive bad steps before an alarm fails the step.")]
        [Range(1, 1000)]
        public int AlarmPatience { get; set; } = RlDefaults.AlarmPatience;

        public RlOptions ToOptions() => new()
        {
            Steps = Steps, PromptsPerStep = PromptsPerStep, SamplesPerPrompt = SamplesPerPrompt, Temperature = Temperature, TopP = TopP,
            MaxNewTokens = MaxNewTokens, Lr = Lr, WarmupSteps = WarmupSteps, GradClip = GradClip, EntropyCoef = EntropyCoef, KlCoef = KlCoef,
            KlEstimator = Enum.Parse<RlKlEstimator>(KlEstimator, ignoreCase: true), AnchorEma = AnchorEma, AnchorEvery = AnchorEvery,
            PpoEpochs = PpoEpochs, Minibatches = Minibatches, ClipLow = ClipLow, ClipHigh = ClipHigh,
            LossAgg = Enum.Parse<RlLossAgg>(LossAgg, ignoreCase: true), FilterGroups = FilterGroups, FilterMaxRounds = FilterMaxRounds,
            OverlongPenalty = OverlongPenalty, RepetitionNgram = RepetitionNgram, MicroBatch = MicroBatch, RolloutBatch = RolloutBatch, MaxBatchTokens = MaxBatchTokens, Seed = Seed,
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
        var init = await context.Artifacts.GetLocalPathAsync(ArtifactRef.ParseInput(inputs.Init, context.StepId, "init"), cancellationToken);
        using var loaded = StepCompute.LoadCheckpoint(init, compute, context, "init", inputs.Dtype);
        loaded.Model.GradCheckpoint = inputs.GradCheckpoint;
        using var trainer = new RlTrainer(loaded.Model, loaded.Tokenizer!, pool.Problems, options);

        // The accuracy and reward outputs average the last 10 % of the run's steps, whichever attempts ran them: a saved
        // state carries the points of that window logged so far, so a resumed run answers what an uninterrupted one does.
        var tail = new RlOutputTail(options.Steps);
        long resumedFrom = 0;
        if (await context.Artifacts.TryGetEarlierOutputAsync("resume", cancellationToken) is { } earlier && trainer.TryResume(earlier))
        {
            resumedFrom = trainer.Step;
            tail.Restore(earlier, resumedFrom);
            context.Log.Info($"resuming from step {resumedFrom} of {options.Steps}, saved by an earlier attempt");
        }
        context.Log.Info($"rl on {compute}: {pool.Problems.Count} prompts from {pool.Description}; {options.PromptsPerStep} prompts × K={options.SamplesPerPrompt} per step, temperature {F(options.Temperature)}, lr {F(options.Lr)}, α {F(options.EntropyCoef)}, β {F(options.KlCoef)} ({options.KlEstimator.ToString().ToLowerInvariant()}), " +
                         $"{options.PpoEpochs} pass(es) × {options.Minibatches} minibatch(es), clip [{F(1 - options.ClipLow)}, {F(1 + options.ClipHigh)}], loss_agg {options.LossAgg.ToString().ToLowerInvariant()}{(options.FilterGroups ? $", filter_groups (≤ {options.FilterMaxRounds} rounds)" : "")}");

        long dropped = 0;
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
            tail.Add(r);
            dropped += r.GroupsDropped;
            context.ReportProgress(r.Step, options.Steps, "steps");
            if (r.Step == 1 || r.Step % 10 == 0 || r.Step == options.Steps)
                context.Log.Info($"step {r.Step}/{options.Steps}: reward {F(r.Reward)} ± {F(r.RewardStd)}, accuracy {F(r.Accuracy)}, pass@K {F(r.PassAtK)}, zero-variance groups {F(r.ZeroVarianceGroups)}" +
                                 $"{(options.FilterGroups ? $" ({r.GroupsDropped} dropped, {r.RolloutRounds} round(s))" : "")}, length {r.MeanResponseLen:0.#} (max {r.MaxResponseLen}, overlong {F(r.OverlongRatio)}), " +
                                 $"entropy {F(r.Entropy)}, kl/token {F(r.Kl)}, clipped {F(r.ClipFraction)}, {r.RolloutTokensPerS:0} rollout tok/s");
            if (r.UpdateSkipped) context.Log.Warn($"step {r.Step}: the gradient was not finite; the update was skipped");
            if (inputs.SaveEvery > 0 && r.Step % inputs.SaveEvery == 0 && r.Step < options.Steps)
            {
                var dir = Path.Combine(context.WorkDirectory, $"resume-{r.Step}");
                trainer.SaveState(dir);
                tail.Save(dir);
                // Metrics first: every step up to a saved state is stored before a retry can resume after it.
                await context.Metrics.FlushAsync(cancellationToken);
                await context.Artifacts.PutDirectoryAsync("resume", dir, "checkpoint", cancellationToken);
                if (previousSave is not null) Directory.Delete(previousSave, recursive: true);
                previousSave = dir;
            }
        }

        if (options.FilterGroups)
            context.Log.Info($"filter_groups dropped {dropped} group(s) whose {options.SamplesPerPrompt} rewards were all equal; {trainer.PromptPosition} prompts drawn in all");
        var output = Path.Combine(context.WorkDirectory, "checkpoint");
        trainer.SaveModel(output);
        var checkpoint = await context.Artifacts.PutDirectoryAsync("checkpoint", output, "checkpoint", cancellationToken);
        var result = new StepResult().Set("checkpoint", checkpoint).Set("steps", trainer.Step).Set("resumed_from", resumedFrom);
        if (tail.Points.Count > 0) result.Set("accuracy", tail.Points.Average(x => x.Accuracy)).Set("reward", tail.Points.Average(x => x.Reward));
        return result;
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
