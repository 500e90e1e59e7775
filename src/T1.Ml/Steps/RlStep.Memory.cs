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
            var dtype = PlanDtype.Fp32; // policy, anchor, gradients, KV cache and activations are fp32 today
            bool cuda = settings.IsCuda(Device);
            var runtime = MemoryFormulas.Runtime(settings, cuda);
            long rows = (long)PromptsPerStep * SamplesPerPrompt;
            long prompt = settings.PromptTokens;
            long sequence = prompt + MaxNewTokens;                     // worst case: every response reaches max_new_tokens
            long rolloutRows = Math.Min(RlTrainer.RolloutRows(RolloutBatch, MaxBatchTokens, sequence), rows); // the sampler's batch
            long micro = Math.Min(MicroBatch, rows);
            // From the second step on the policy, the anchor (a copy), the gradients and AdamW's moments stay allocated.
            MemoryPart[] held =
            [
                MemoryFormulas.Weights(c, dtype, 2, "policy and anchor"),
                MemoryFormulas.Gradients(c, dtype),
                MemoryFormulas.AdamW(c, dtype),
            ];
            var phases = new List<MemoryPhase>();
            if (model.Stored is { } stored && !cuda)
                phases.Add(new MemoryPhase("load", [MemoryFormulas.Weights(c, dtype, 1, "policy"), MemoryFormulas.LoadCopy(c, stored), runtime]));

            const string kvShrink = "lower max_new_tokens or prompts_per_step × samples_per_prompt (the sampler takes 256 rows at a time)";
            var repeat = MemoryFormulas.RepeatedKv(c, rolloutRows, sequence, dtype, kvShrink);
            var prefill = MemoryFormulas.PrefillMask(rolloutRows, prompt, kvShrink);
            var prefillLayer = MemoryFormulas.InferenceActivations(c, rolloutRows, prompt, dtype, kvShrink);
            // The cache is full at the last decode step (with GQA's repeated copy); the prefill holds its mask and a layer's working set.
            phases.Add(new MemoryPhase("rollout", [.. held,
                MemoryFormulas.KvCache(c, rolloutRows, sequence, dtype, kvShrink),
                .. repeat.Bytes >= prefill.Bytes + prefillLayer.Bytes ? new[] { repeat } : [prefill, prefillLayer],
                runtime]));

            const string microShrink = "lower micro_batch or max_new_tokens";
            // TokenLogProbs.Score divides the logits by the temperature: one more (rows, positions, V) tensor unless it is 1.
            int tempered = Temperature == 1.0 ? 0 : 1;
            // Scoring without gradients: π_ref's log-probs (KL or KL alarm), and π_old's when the rollout is reused (ppo_epochs × minibatches > 1).
            if (KlCoef > 0 || AlarmKlMax > 0 || PpoEpochs * Minibatches > 1)
            {
                phases.Add(new MemoryPhase("score", [.. held,
                    MemoryFormulas.InferenceActivations(c, micro, sequence, dtype, microShrink),
                    MemoryFormulas.Logits(c, micro, sequence, 2 + tempered, "log-probs without gradients (logits, tempered, log-sum-exp)", microShrink),
                    runtime]));
            }
            phases.Add(new MemoryPhase("update", [.. held,
                MemoryFormulas.TrainingActivations(c, micro, sequence, dtype, microShrink),
                MemoryFormulas.Logits(c, micro, sequence, 6 + tempered, "log-probs and entropy (logits, tempered, log_softmax, exp, their gradients)", microShrink),
                runtime]));
            return new StepMemoryEstimate(phases);
        }
    }
}
