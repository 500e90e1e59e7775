using T1.Ml.Planning;
using T1.Ml.Training;

namespace T1.Ml.Steps;

public sealed partial class RlStep
{
    /// <summary>The rl step's memory, from its inputs: see <see cref="MemoryFormulas"/> for each term.</summary>
    public sealed partial class Inputs : IPlansMemory
    {
        PlanModelSource IPlansMemory.ModelSource => new("init", Init);

        StepMemoryEstimate IPlansMemory.EstimateMemory(PlanModel model, PlanSettings settings)
        {
            var c = model.Config;
            var dtype = PlanDtypes.FromStepInput(Dtype); // policy, anchor, gradients, KV cache and activations; AdamW in fp32
            bool cuda = settings.IsCuda(Device);
            var runtime = MemoryFormulas.Runtime(settings, cuda);
            long rows = (long)PromptsPerStep * SamplesPerPrompt;
            long prompt = settings.PromptTokens;
            long sequence = prompt + MaxNewTokens; // worst case: every response reaches max_new_tokens
            long rolloutRows = Math.Min(RlTrainer.RolloutRows(RolloutBatch, MaxBatchTokens, sequence), rows); // the sampler's batch
            long micro = Math.Min(MicroBatch, rows);
            // From the second step on the policy, the anchor (a copy), the gradients and AdamW's state stay allocated.
            MemoryPart[] held =
            [
                MemoryFormulas.Weights(c, dtype, 2, "policy and anchor"),
                MemoryFormulas.Gradients(c, dtype),
                MemoryFormulas.AdamW(c, dtype),
            ];
            var phases = new List<MemoryPhase>();
            if (model.Stored is { } stored && !cuda)
                phases.Add(new MemoryPhase("load", [MemoryFormulas.Weights(c, dtype, 1, "policy"), MemoryFormulas.LoadCopy(c, stored), runtime]));

            const string kvShrink = "lower rollout_batch or max_batch_tokens, or max_new_tokens";
            // The cache is full at the last decode step; the prefill holds GQA's repeated K/V of a layer, its mask and a layer's working set.
            var decode = MemoryFormulas.SamplingLogits(c, rolloutRows, kvShrink);
            MemoryPart[] prefill = [MemoryFormulas.Prefill(c, rolloutRows, prompt, dtype, kvShrink), MemoryFormulas.InferenceActivations(c, rolloutRows, prompt, dtype, kvShrink)];
            phases.Add(new MemoryPhase("rollout", [.. held,
                MemoryFormulas.KvCache(c, rolloutRows, sequence, dtype, kvShrink),
                .. decode.Bytes >= prefill.Sum(p => p.Bytes) ? new[] { decode } : prefill,
                runtime]));

            const string microShrink = "lower micro_batch or max_new_tokens, or set grad_checkpoint: true";
            // TokenLogProbs.Score divides the logits by the temperature: one more chunk-sized tensor unless it is 1.
            int tempered = Temperature == 1.0 ? 0 : 1;
            // Scoring without gradients: π_ref's log-probs (KL or KL alarm), and π_old's when the rollout is reused (ppo_epochs × minibatches > 1).
            if (KlCoef > 0 || AlarmKlMax > 0 || PpoEpochs * Minibatches > 1)
            {
                phases.Add(new MemoryPhase("score", [.. held,
                    MemoryFormulas.InferenceActivations(c, micro, sequence, dtype, microShrink),
                    MemoryFormulas.Logits(c, micro, sequence, dtype, 2 + tempered, training: false, "log-probs without gradients", microShrink),
                    runtime]));
            }
            phases.Add(new MemoryPhase("update", [.. held,
                MemoryFormulas.TrainingActivations(c, micro, sequence, dtype, GradCheckpoint, microShrink),
                MemoryFormulas.Logits(c, micro, sequence, dtype, 4 + tempered, training: true, "chunked log-probs and entropy", microShrink),
                runtime]));
            return new StepMemoryEstimate(phases, dtype);
        }
    }
}
