using T1.Ml.Compute;
using T1.Ml.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>What one RL update did, per response token where it says so (averaged over every pass of the update).</summary>
internal sealed record RlUpdateStats(double Loss, double Entropy, double Kl, double ClipFraction, double GradNorm, int Updates, int Skipped);

/// <summary>
/// The update of one RL step: log-probs of the anchor (and, when the rollout is reused, of the sampling policy) without
/// gradients, then <see cref="RlOptions.PpoEpochs"/> passes, each a seeded shuffle cut into <see cref="RlOptions.Minibatches"/>
/// optimizer steps on <see cref="RlObjective"/>'s loss, gradients accumulated over micro-batches.
/// </summary>
internal sealed class RlUpdate(DecoderLM policy, DynamicAnchor anchor, AdamW optimizer, RlOptions o, long pad)
{
    /// <summary>True when the update needs π_ref: a KL term or the KL alarm.</summary>
    public bool UsesReference => o.KlCoef > 0 || o.Alarms.KlMax > 0;

    public RlUpdateStats Run(IReadOnlyList<RlSequence> seqs, IReadOnlyList<double> advantages, long step)
    {
        var all = Enumerable.Range(0, seqs.Count).ToArray();
        var refLogp = UsesReference ? Score(anchor.Model, seqs, all) : null;
        // One pass over one minibatch: π_old is the current policy, so the detached log-probs of the same forward are π_old's
        // exactly (ρ ≡ 1). Otherwise π_old's are recomputed here, before any update, with a no_grad forward (as veRL does);
        // the sampler's own log-probs are not used (they come from another code path and ignore the temperature).
        var oldLogp = o.PpoEpochs == 1 && o.Minibatches == 1 ? null : Score(policy, seqs, all);

        double loss = 0, entropy = 0, kl = 0, clipped = 0, tokens = 0, gradNorm = 0;
        int updates = 0, skipped = 0;
        for (int epoch = 0; epoch < o.PpoEpochs; epoch++)
        {
            foreach (var minibatch in Minibatches(seqs.Count, step, epoch))
            {
                optimizer.zero_grad();
                double nSeq = minibatch.Length, nTok = minibatch.Sum(i => (double)seqs[i].Response.Count);
                foreach (var chunk in MicroBatches(seqs, minibatch))
                {
                    using var scope = NewDisposeScope();
                    var (ids, mask) = RlSequence.Pad(seqs, chunk, pad, policy.Device);             // (b, T), (b, T)
                    var (logp, ent) = TokenLogProbs.Score(policy, ids, mask, o.Temperature, withEntropy: true); // (b, T-1) ×2
                    var m = mask.narrow(1, 1, ids.shape[1] - 1);                                    // (b, T-1)
                    var old = oldLogp is null ? logp.detach() : RlSequence.Place(oldLogp, seqs, chunk, policy.Device);
                    var a = tensor(chunk.Select(i => (float)advantages[i]).ToArray(), device: policy.Device).unsqueeze(1); // (b, 1)
                    var (pg, bound) = RlObjective.PolicyLoss(logp, old, a, o.ClipLow, o.ClipHigh);
                    var part = RlObjective.Aggregate(pg, m, o.LossAgg, nSeq, nTok)
                               - RlObjective.Aggregate(ent!, m, o.LossAgg, nSeq, nTok).Times(o.EntropyCoef);
                    if (refLogp is not null)
                    {
                        var r = RlSequence.Place(refLogp, seqs, chunk, policy.Device);
                        if (o.KlCoef > 0) part = part.Plus(RlObjective.Aggregate(RlObjective.Kl(logp, r, o.KlEstimator), m, o.LossAgg, nSeq, nTok).Times(o.KlCoef));
                        kl += TensorValues.Float((RlObjective.Kl(logp.detach(), r, RlKlEstimator.K3) * m).sum());
                    }
                    part.backward();
                    loss += TensorValues.Float(part);
                    entropy += TensorValues.Float(ent!.sum());
                    clipped += TensorValues.Float((bound * m).sum());
                    tokens += TensorValues.Float(m.sum());
                }
                double norm = GradientClipping.ClipGlobalNorm(policy.parameters(), o.GradClip);
                gradNorm += norm;
                if (GradientClipping.IsUsable(norm))
                {
                    optimizer.step();
                    updates++;
                }
                else skipped++;
                optimizer.zero_grad();
            }
        }
        tokens = Math.Max(tokens, 1);
        return new RlUpdateStats(loss / Math.Max(1, updates + skipped), entropy / tokens, kl / tokens, clipped / tokens,
            gradNorm / Math.Max(1, updates + skipped), updates, skipped);
    }

    /// <summary>Per-sequence log-probs of the response tokens under <paramref name="model"/> at the rollout temperature, without gradients.</summary>
    private float[][] Score(DecoderLM model, IReadOnlyList<RlSequence> seqs, int[] indices)
    {
        var result = new float[seqs.Count][];
        using var _ = no_grad();
        foreach (var chunk in MicroBatches(seqs, indices))
        {
            using var scope = NewDisposeScope();
            var (ids, mask) = RlSequence.Pad(seqs, chunk, pad, model.Device);
            var (logp, _) = TokenLogProbs.Score(model, ids, mask, o.Temperature);
            RlSequence.Unpad(logp, seqs, chunk, result);
        }
        return result;
    }

    /// <summary>The minibatches of one pass: all sequences in order when there is one; else a shuffle seeded by seed, step and pass, cut evenly.</summary>
    private IEnumerable<int[]> Minibatches(int count, long step, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        if (o.Minibatches == 1)
        {
            yield return order;
            yield break;
        }
        new Random(unchecked((int)((uint)o.Seed * 0x9E3779B1u ^ (uint)step * 0x85EBCA77u ^ (uint)(epoch + 1) * 0xC2B2AE3Du))).Shuffle(order);
        for (int k = 0; k < o.Minibatches; k++)
            yield return order[(int)((long)k * count / o.Minibatches)..(int)((long)(k + 1) * count / o.Minibatches)];
    }

    /// <summary>Chunks of at most micro_batch of <paramref name="indices"/>, similar lengths together (less padding).</summary>
    private IEnumerable<int[]> MicroBatches(IReadOnlyList<RlSequence> seqs, int[] indices)
    {
        var sorted = indices.OrderBy(i => seqs[i].Prompt.Count + seqs[i].Response.Count).ThenBy(i => i).ToArray();
        for (int s = 0; s < sorted.Length; s += o.MicroBatch) yield return sorted[s..Math.Min(sorted.Length, s + o.MicroBatch)];
    }
}
