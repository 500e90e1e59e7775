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
/// On-policy RL with oversampling, T1 style. Each step takes the next prompts, samples K responses per
/// prompt with the KV-cache sampler, scores them (<see cref="RlRewards"/>), and takes one AdamW step on
/// <code>
/// L = −(1/(P·K)) Σ_i Â_i · Σ_t log π(y_i,t)  −  α · H̄(π),     Â_i = A_i − β·(KL_i − mean_K KL)
/// </code>
/// with A_i the leave-one-out advantage, log π(y_i) the token-sum (not length-normalised) log-probability
/// of the response, H̄ the mean per-token entropy over response positions, and KL_i = Σ_t log π − log π_ref
/// against the <see cref="DynamicAnchor"/>. Gradients are clipped to <see cref="RlOptions.GradClip"/>.
/// <see cref="SaveState"/> / <see cref="TryResume"/> carry everything a resumed run needs: policy, optimizer
/// moments, anchor, step, alarm history (the prompt order and the rollout seeds are functions of seed and step).
/// </summary>
public sealed class RlTrainer : IDisposable
{
    private const string StateKind = "rl";
    private const int RolloutChunk = 256;

    private readonly ITextTokenizer _tokenizer;
    private readonly IReadOnlyList<Problem> _problems;
    private readonly RlOptions _o;
    private readonly RlRewardFunction _reward;
    private readonly AdamW _optimizer;
    private readonly RlHealthAlarms _alarms;
    private readonly Dictionary<long, int[]> _orders = new();

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
        _reward = reward ?? RlRewards.Verifier(options);
        _optimizer = policy.CreateAdamW(options.Lr, weightDecay: options.WeightDecay);
        Anchor = new DynamicAnchor(policy);
        _alarms = new RlHealthAlarms(options.Alarms);
    }

    /// <summary>The policy being trained.</summary>
    public DecoderLM Policy { get; }

    /// <summary>π_ref.</summary>
    public DynamicAnchor Anchor { get; }

    /// <summary>Steps completed (0 before the first; restored by <see cref="TryResume"/>).</summary>
    public long Step { get; private set; }

    /// <summary>The problems step <paramref name="step"/> (1-based) trains on: a seeded permutation of the pool, epoch by epoch.</summary>
    public IReadOnlyList<Problem> PromptsFor(long step)
    {
        var batch = new Problem[_o.PromptsPerStep];
        for (int j = 0; j < batch.Length; j++)
        {
            long pos = (step - 1) * _o.PromptsPerStep + j;
            long epoch = pos / _problems.Count;
            batch[j] = _problems[Order(epoch)[pos % _problems.Count]];
        }
        return batch;
    }

    /// <summary>Runs step <see cref="Step"/> + 1: rollout, rewards, one update, anchor refresh, health check.</summary>
    /// <exception cref="RlAlarmException">A health alarm fired (after the step was counted).</exception>
    public RlStepResult TrainStep()
    {
        long step = Step + 1;
        int K = _o.SamplesPerPrompt;
        var problems = PromptsFor(step);
        double lr = _o.Lr * Math.Min(1.0, _o.WarmupSteps == 0 ? 1.0 : (double)step / _o.WarmupSteps);
        foreach (var g in _optimizer.ParamGroups) g.LearningRate = lr;

        // Rollout: K samples of each prompt, batched.
        var clock = Stopwatch.StartNew();
        var prompts = problems.Select(p => ChatFormat.EncodePrompt(_tokenizer, p.Prompt)).ToArray();
        var rows = Enumerable.Range(0, prompts.Length * K).Select(i => (IReadOnlyList<int>)prompts[i / K]).ToList();
        var samples = Rollout(rows, step);
        double rolloutSeconds = clock.Elapsed.TotalSeconds;

        var rewards = new RlReward[samples.Count];
        for (int i = 0; i < samples.Count; i++) rewards[i] = _reward(problems[i / K], samples[i]);

        // Update.
        clock.Restart();
        var seqs = samples.Select((s, i) => (Prompt: (IReadOnlyList<int>)rows[i], Response: s.Tokens)).ToList();
        bool needRef = _o.KlCoef > 0 || _o.Alarms.KlMax > 0;
        var kl = new double[samples.Count];
        if (needRef)
        {
            var refLogp = SequenceLogProbs(Anchor.Model, seqs);
            for (int i = 0; i < kl.Length; i++) kl[i] = samples[i].LogProbs.Sum(x => (double)x) - refLogp[i];
        }
        var adv = RlAdvantages.Combined(rewards.Select(r => r.Value).ToList(), kl, K, _o.KlCoef);
        var (loss, entropy) = Backward(seqs, adv);
        double gradNorm = GradientClipping.ClipGlobalNorm(Policy.parameters(), _o.GradClip);
        bool usable = GradientClipping.IsUsable(gradNorm);
        if (usable) _optimizer.step();
        _optimizer.zero_grad();
        bool anchorUpdated = Anchor.MaybeUpdate(step, _o.AnchorEvery, Policy, _o.AnchorEma);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        Step = step;

        var lengths = samples.Select(s => s.Tokens.Count).ToArray();
        long generated = lengths.Sum(), trained = seqs.Sum(s => (long)s.Prompt.Count + s.Response.Count);
        var result = new RlStepResult
        {
            Step = step,
            Reward = rewards.Average(r => r.Value),
            Accuracy = Share(rewards, RlOutcome.Correct),
            PassAtK = Enumerable.Range(0, problems.Count).Count(p => rewards.Skip(p * K).Take(K).Any(r => r.Outcome == RlOutcome.Correct)) / (double)problems.Count,
            MeanResponseLen = lengths.Average(),
            MaxResponseLen = lengths.Max(),
            OverlongRatio = Share(rewards, RlOutcome.Overlong),
            RepetitionRatio = Share(rewards, RlOutcome.Repetitive),
            UnparsableRatio = Share(rewards, RlOutcome.Unparsable),
            Entropy = entropy,
            Kl = needRef ? kl.Average() : 0,
            Loss = loss,
            GradNorm = gradNorm,
            Lr = lr,
            RolloutTokensPerS = generated / Math.Max(rolloutSeconds, 1e-9),
            TrainTokensPerS = trained * (needRef ? 2 : 1) / Math.Max(trainSeconds, 1e-9),
            AnchorUpdated = anchorUpdated,
            UpdateSkipped = !usable,
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
            new TrainerState { Step = Step, DataPosition = Step * _o.PromptsPerStep, Seed = _o.Seed, Extra = extra }, _optimizer);
        Anchor.Save(directory);
    }

    /// <summary>
    /// Continues from a folder written by <see cref="SaveState"/>: restores policy, optimizer, anchor, alarm
    /// history and <see cref="Step"/>. False (nothing changed) when the folder holds no RL state.
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
        return true;
    }

    /// <summary>Writes the policy as a plain checkpoint (weights, tokenizer, step) for downstream steps.</summary>
    public void SaveModel(string directory) =>
        Checkpoint.Save(directory, Policy, _tokenizer, new TrainerState
        {
            Step = Step, DataPosition = Step * _o.PromptsPerStep, Seed = _o.Seed, Extra = new JsonObject { ["kind"] = "rl-policy" },
        });

    private IReadOnlyList<SampledSequence> Rollout(List<IReadOnlyList<int>> rows, long step)
    {
        var sampler = new Sampler(Policy, _tokenizer);
        var all = new List<SampledSequence>(rows.Count);
        for (int start = 0, chunk = 0; start < rows.Count; start += RolloutChunk, chunk++)
        {
            var options = new SamplingOptions
            {
                Temperature = _o.Temperature, TopP = _o.TopP, MaxNewTokens = _o.MaxNewTokens,
                Seed = (long)_o.Seed * 1_000_003L + step * 131L + chunk,
            };
            all.AddRange(sampler.Generate(rows.GetRange(start, Math.Min(RolloutChunk, rows.Count - start)), options));
        }
        return all;
    }

    /// <summary>Σ_t log p(response tokens) under <paramref name="model"/>, per sequence, without gradients.</summary>
    private double[] SequenceLogProbs(DecoderLM model, List<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)> seqs)
    {
        var result = new double[seqs.Count];
        using var _ = no_grad();
        foreach (var chunk in MicroBatches(seqs))
        {
            using var scope = NewDisposeScope();
            var (ids, mask) = Pad(seqs, chunk);                                            // (b, T), (b, T)
            var logp = TokenLogProbs.OfSequences(model, ids, mask);                        // (b, T-1)
            var sums = TensorValues.Floats(logp.to(float64).sum(1));                       // (b)
            for (int j = 0; j < chunk.Length; j++) result[chunk[j]] = sums[j];
        }
        return result;
    }

    /// <summary>Accumulates the gradient of the loss over micro-batches; returns (loss, mean token entropy).</summary>
    private (double Loss, double Entropy) Backward(List<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)> seqs, double[] adv)
    {
        _optimizer.zero_grad();
        double n = seqs.Count;
        double responseTokens = Math.Max(1, seqs.Sum(s => (double)s.Response.Count));
        double loss = 0, entropySum = 0;
        foreach (var chunk in MicroBatches(seqs))
        {
            using var scope = NewDisposeScope();
            var (ids, mask) = Pad(seqs, chunk);                                 // (b, T), (b, T)
            long T = ids.shape[1];
            var m = mask.narrow(1, 1, T - 1).to(float32);                       // (b, T-1): 1 where a response token is predicted
            var logits = Policy.Forward(ids.narrow(1, 0, T - 1));               // (b, T-1, V)
            var logp = TokenLogProbs.OfTargets(logits, ids.narrow(1, 1, T - 1)) * m; // (b, T-1)
            var entropy = (TokenLogProbs.Entropy(logits) * m).sum();            // ()
            var a = tensor(chunk.Select(i => (float)adv[i]).ToArray(), device: ids.device); // (b)
            var pg = -(a * logp.sum(1)).sum() / n;                              // ()
            var part = pg - _o.EntropyCoef * entropy / responseTokens;
            part.backward();
            loss += TensorValues.Float(part);
            entropySum += TensorValues.Float(entropy);
        }
        return (loss, entropySum / responseTokens);
    }

    /// <summary>Index chunks of at most MicroBatch sequences, similar lengths together (less padding).</summary>
    private IEnumerable<int[]> MicroBatches(List<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)> seqs)
    {
        var order = Enumerable.Range(0, seqs.Count).OrderBy(i => seqs[i].Prompt.Count + seqs[i].Response.Count).ThenBy(i => i).ToArray();
        for (int s = 0; s < order.Length; s += _o.MicroBatch) yield return order[s..Math.Min(order.Length, s + _o.MicroBatch)];
    }

    /// <summary>Right-padded ids (b, T) int64 of prompt + response, and a mask (b, T) that is 1 on response tokens.</summary>
    private (Tensor Ids, Tensor Mask) Pad(List<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)> seqs, int[] chunk)
    {
        int b = chunk.Length, T = Math.Max(2, chunk.Max(i => seqs[i].Prompt.Count + seqs[i].Response.Count));
        var ids = new long[b * T];
        var mask = new float[b * T];
        Array.Fill(ids, _tokenizer.Special.Pad);
        for (int r = 0; r < b; r++)
        {
            var (p, y) = seqs[chunk[r]];
            for (int t = 0; t < p.Count; t++) ids[r * T + t] = p[t];
            for (int t = 0; t < y.Count; t++)
            {
                ids[r * T + p.Count + t] = y[t];
                mask[r * T + p.Count + t] = 1;
            }
        }
        var device = Policy.Device;
        return (tensor(ids, [b, T], device: device), tensor(mask, [b, T], device: device));
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
