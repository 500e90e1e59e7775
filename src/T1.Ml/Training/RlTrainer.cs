using System.Diagnostics;
using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>
/// On-policy RL with oversampling, T1 style. Each step takes the next prompts, samples K responses per prompt at
/// temperature T with the KV-cache sampler, scores them (<see cref="RlRewards"/>), computes leave-one-out advantages
/// (<see cref="RlAdvantages"/>) and runs <see cref="RlUpdate"/>: <see cref="RlOptions.PpoEpochs"/> × <see cref="RlOptions.Minibatches"/>
/// AdamW steps on the loss of <see cref="RlObjective"/> (clipped policy term, entropy bonus, per-token KL to the
/// <see cref="DynamicAnchor"/>; all log-probs of softmax(z/T)). With <see cref="RlOptions.FilterGroups"/>, groups whose K
/// rewards are all equal are dropped and further prompts sampled, up to <see cref="RlOptions.FilterMaxRounds"/> rounds.
/// <see cref="SaveState"/> / <see cref="TryResume"/> carry everything a resumed run needs: policy, optimizer moments,
/// anchor, step, prompt position, alarm history (the prompt order and the rollout seeds are functions of seed, step and position).
/// </summary>
public sealed class RlTrainer : IDisposable
{
    private const string StateKind = "rl";

    private readonly ITextTokenizer _tokenizer;
    private readonly IReadOnlyList<Problem> _problems;
    private readonly RlOptions _o;
    private readonly RlRewardFunction _reward;
    private readonly AdamW _optimizer;
    private readonly RlHealthAlarms _alarms;
    private readonly RlUpdate _update;
    private readonly Dictionary<long, int[]> _orders = new();
    private long _position;

    /// <param name="policy">The model to train (its device is used for everything); usually loaded from the init checkpoint.</param>
    /// <param name="tokenizer">The checkpoint's tokenizer.</param>
    /// <param name="problems">The prompt pool, visited in a seeded shuffled order, epoch after epoch.</param>
    /// <param name="options">Validated here.</param>
    /// <param name="reward">Reward function; the verifier reward of <paramref name="options"/> by default.</param>
    public RlTrainer(DecoderLM policy, ITextTokenizer tokenizer, IReadOnlyList<Problem> problems, RlOptions options, RlRewardFunction? reward = null)
    {
        _o = options.Validate();
        if (problems.Count == 0) throw new ArgumentException("RL needs at least one prompt; the prompt source gave none.", nameof(problems));
        Policy = policy;
        _tokenizer = tokenizer;
        _problems = problems;
        _reward = reward ?? RlRewards.Verifier(options, tokenizer);
        _optimizer = policy.CreateAdamW(options.Lr, weightDecay: options.WeightDecay);
        Anchor = new DynamicAnchor(policy);
        _alarms = new RlHealthAlarms(options.Alarms);
        _update = new RlUpdate(policy, Anchor, _optimizer, _o, tokenizer.Special.Pad);
    }

    /// <summary>The policy being trained.</summary>
    public DecoderLM Policy { get; }

    /// <summary>π_ref.</summary>
    public DynamicAnchor Anchor { get; }

    /// <summary>Steps completed (0 before the first; restored by <see cref="TryResume"/>).</summary>
    public long Step { get; private set; }

    /// <summary>Prompts drawn so far (more than steps × prompts_per_step when filter_groups refilled).</summary>
    public long PromptPosition => _position;

    /// <summary>The <paramref name="count"/> prompts from <paramref name="position"/> on in the stream: a seeded permutation of the pool, epoch by epoch.</summary>
    public IReadOnlyList<Problem> PromptsAt(long position, int count)
    {
        var batch = new Problem[count];
        for (int j = 0; j < count; j++)
        {
            long pos = position + j;
            batch[j] = _problems[Order(pos / _problems.Count)[pos % _problems.Count]];
        }
        return batch;
    }

    /// <summary>Runs step <see cref="Step"/> + 1: rollout (with refills), rewards, the update, anchor refresh, health check.</summary>
    /// <exception cref="RlAlarmException">A health alarm fired (after the step was counted).</exception>
    public RlStepResult TrainStep()
    {
        long step = Step + 1;
        double lr = _o.Lr * Math.Min(1.0, _o.WarmupSteps == 0 ? 1.0 : (double)step / _o.WarmupSteps);
        foreach (var g in _optimizer.ParamGroups) g.LearningRate = lr;

        var clock = Stopwatch.StartNew();
        var (all, trained, rounds) = Rollout(step);
        double rolloutSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var seqs = trained.SelectMany(g => g.Samples.Select(s => new RlSequence(g.Prompt, s.Tokens))).ToList();
        var adv = RlAdvantages.LeaveOneOut(trained.SelectMany(g => g.Rewards.Select(r => r.Value)).ToList(), _o.SamplesPerPrompt);
        var u = _update.Run(seqs, adv, step);
        bool anchorUpdated = Anchor.MaybeUpdate(step, _o.AnchorEvery, Policy, _o.AnchorEma);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        Step = step;

        var rewards = all.SelectMany(g => g.Rewards).ToArray();
        var lengths = all.SelectMany(g => g.Samples).Select(s => s.Tokens.Count).ToArray();
        long passes = _o.PpoEpochs + (_update.UsesReference ? 1 : 0) + (_o.PpoEpochs * _o.Minibatches > 1 ? 1 : 0);
        long trainTokens = seqs.Sum(s => (long)s.Prompt.Count + s.Response.Count) * passes;
        double mean = rewards.Average(r => r.Value);
        var result = new RlStepResult
        {
            Step = step,
            Reward = mean,
            RewardStd = Math.Sqrt(rewards.Average(r => (r.Value - mean) * (r.Value - mean))),
            Accuracy = Share(rewards, RlOutcome.Correct),
            PassAtK = all.Count(g => g.Rewards.Any(r => r.Outcome == RlOutcome.Correct)) / (double)all.Count,
            ZeroVarianceGroups = all.Count(g => !g.HasSignal) / (double)all.Count,
            GroupsDropped = all.Count - trained.Count,
            RolloutRounds = rounds,
            MeanResponseLen = lengths.Average(),
            MaxResponseLen = lengths.Max(),
            OverlongRatio = Share(rewards, RlOutcome.Overlong),
            RepetitionRatio = Share(rewards, RlOutcome.Repetitive),
            UnparsableRatio = Share(rewards, RlOutcome.Unparsable),
            Entropy = u.Entropy,
            Kl = u.Kl,
            ClipFraction = u.ClipFraction,
            Loss = u.Loss,
            GradNorm = u.GradNorm,
            Lr = lr,
            RolloutTokensPerS = lengths.Sum() / Math.Max(rolloutSeconds, 1e-9),
            TrainTokensPerS = trainTokens / Math.Max(trainSeconds, 1e-9),
            AnchorUpdated = anchorUpdated,
            UpdateSkipped = u.Skipped > 0,
        };
        _alarms.Observe(step, result.Entropy, result.Kl, result.OverlongRatio);
        return result;
    }

    /// <summary>
    /// Writes a resume checkpoint into <paramref name="directory"/>: the policy (a loadable checkpoint with
    /// its tokenizer), optimizer moments, trainer state (step, seed, alarm history) and the anchor in <c>anchor/</c>.
    /// </summary>
    public void SaveState(string directory)
    {
        var extra = new JsonObject
        {
            ["kind"] = StateKind,
            ["anchor_updates"] = Anchor.Updates,
            ["alarms"] = _alarms.ToJson(),
            ["prompt_pool"] = _problems.Count,
        };
        Checkpoint.Save(directory, Policy, _tokenizer,
            new TrainerState { Step = Step, DataPosition = _position, Seed = _o.Seed, Extra = extra }, _optimizer);
        Anchor.Save(directory);
    }

    /// <summary>
    /// Continues from a folder written by <see cref="SaveState"/>: restores policy, optimizer, anchor, alarm
    /// history, prompt position and <see cref="Step"/>. False (nothing changed) when the folder holds no RL state.
    /// </summary>
    public bool TryResume(string directory)
    {
        var state = Checkpoint.ReadTrainerState(directory);
        if (state?.Extra?["kind"]?.GetValue<string>() != StateKind) return false;
        Checkpoint.Resume(directory, Policy, _optimizer);
        var updates = state.Extra["anchor_updates"]?.GetValue<long>() ?? 0;
        if (!Anchor.TryLoad(directory, updates))
            throw new InvalidDataException($"'{directory}' has RL state but no {DynamicAnchor.FolderName}/ folder; it is not a complete RL checkpoint.");
        _alarms.Restore(state.Extra["alarms"] as JsonObject);
        Step = state.Step;
        _position = state.DataPosition;
        return true;
    }

    /// <summary>Writes the policy as a plain checkpoint (weights, tokenizer, step) for downstream steps.</summary>
    public void SaveModel(string directory) =>
        Checkpoint.Save(directory, Policy, _tokenizer, new TrainerState
        {
            Step = Step, DataPosition = _position, Seed = _o.Seed, Extra = new JsonObject { ["kind"] = "rl-policy" },
        });

    /// <summary>One prompt's K samples and their rewards.</summary>
    private sealed record Group(int[] Prompt, IReadOnlyList<SampledSequence> Samples, RlReward[] Rewards)
    {
        /// <summary>False when all K rewards are equal: every leave-one-out advantage is then 0.</summary>
        public bool HasSignal => Rewards.Any(r => r.Value != Rewards[0].Value);
    }

    /// <summary>
    /// Samples prompts_per_step groups; with filter_groups, drops those without signal and samples the shortfall from
    /// further prompts, up to filter_max_rounds rounds. Returns every sampled group, the groups to train on and the rounds.
    /// When no group has a signal, the first round's groups are trained on (all advantages 0: only entropy and KL act).
    /// </summary>
    private (List<Group> All, List<Group> Trained, int Rounds) Rollout(long step)
    {
        var all = new List<Group>();
        var kept = new List<Group>();
        int rounds = 0;
        do
        {
            var groups = Sample(PromptsAt(_position, _o.PromptsPerStep - kept.Count), step, rounds);
            _position += groups.Count;
            all.AddRange(groups);
            kept.AddRange(_o.FilterGroups ? groups.Where(g => g.HasSignal) : groups);
            rounds++;
        } while (_o.FilterGroups && kept.Count < _o.PromptsPerStep && rounds < _o.FilterMaxRounds);
        return (all, kept.Count > 0 ? kept : all.Take(_o.PromptsPerStep).ToList(), rounds);
    }

    private List<Group> Sample(IReadOnlyList<Problem> problems, long step, int round)
    {
        int K = _o.SamplesPerPrompt;
        var prompts = problems.Select(p => ChatFormat.EncodePrompt(_tokenizer, p.Prompt)).ToArray();
        var rows = Enumerable.Range(0, prompts.Length * K).Select(i => (IReadOnlyList<int>)prompts[i / K]).ToList();
        var sampler = new Sampler(Policy, _tokenizer, CpuWorkers.For(Policy.Device)); // on CPU, each chunk's parts on separate cores
        var samples = new List<SampledSequence>(rows.Count);
        int batch = RolloutRows(prompts.Max(p => p.Length));
        for (int start = 0, chunk = 0; start < rows.Count; start += batch, chunk++)
        {
            var options = new SamplingOptions
            {
                Temperature = _o.Temperature, TopP = _o.TopP, MaxNewTokens = _o.MaxNewTokens,
                Seed = (long)_o.Seed * 1_000_003L + step * 131L + round * 65_537L + chunk,
            };
            samples.AddRange(sampler.Generate(rows.GetRange(start, Math.Min(batch, rows.Count - start)), options));
        }
        return problems.Select((p, g) =>
        {
            var mine = samples.GetRange(g * K, K);
            return new Group(prompts[g], mine, mine.Select(s => _reward(p, s)).ToArray());
        }).ToList();
    }

    private int RolloutRows(int longestPrompt) => RolloutRows(_o.RolloutBatch, _o.MaxBatchTokens, longestPrompt + _o.MaxNewTokens);

    /// <summary>
    /// Responses decoded together: <paramref name="rolloutBatch"/>, fewer when <paramref name="maxBatchTokens"/> (0 = no limit)
    /// cannot hold that many rows of <paramref name="sequence"/> positions (longest prompt + max_new_tokens); at least 1.
    /// </summary>
    internal static int RolloutRows(int rolloutBatch, long maxBatchTokens, long sequence)
    {
        long byTokens = maxBatchTokens > 0 ? maxBatchTokens / Math.Max(1, sequence) : int.MaxValue;
        return (int)Math.Max(1, Math.Min(rolloutBatch, byTokens));
    }

    private int[] Order(long epoch)
    {
        if (_orders.TryGetValue(epoch, out var order)) return order;
        order = Enumerable.Range(0, _problems.Count).ToArray();
        new Random(unchecked(_o.Seed * 7919 + (int)epoch * 104_729 + 1)).Shuffle(order);
        if (_orders.Count > 4) _orders.Clear();
        return _orders[epoch] = order;
    }

    private static double Share(RlReward[] rewards, RlOutcome outcome) => rewards.Count(r => r.Outcome == outcome) / (double)rewards.Length;

    public void Dispose()
    {
        _optimizer.Dispose();
        Anchor.Dispose();
    }
}
