using System.Text;
using T1.Ml.Planning;

namespace T1.Ml.Steps;

public sealed partial class EvaluateStep
{
    /// <summary>The evaluate step's memory, from its inputs: see <see cref="MemoryFormulas"/> for each term.</summary>
    public sealed partial class Inputs : IPlansMemory
    {
        PlanModelSource IPlansMemory.ModelSource => new("checkpoint", Checkpoint);

        StepMemoryEstimate IPlansMemory.EstimateMemory(PlanModel model, PlanSettings settings)
        {
            var c = model.Config;
            var dtype = PlanDtypes.FromStepInput(Dtype); // weights and KV cache
            bool cuda = settings.IsCuda(Device);
            var runtime = MemoryFormulas.Runtime(settings, cuda);
            var weights = MemoryFormulas.Weights(c, dtype, 1, "model");
            long rows = Count > 0 ? Math.Min(BatchSize, (long)Count * Math.Max(1, Samples)) : BatchSize; // greedy, then the samples, batch by batch
            // The longest generation is a forced answer after the largest budget: prompt + thinking + answer prompt
            // (at most one token per UTF-8 byte) + max_answer_tokens; it starts with a prefill of all but the answer.
            long prefix = settings.PromptTokens + (Budgets.Count == 0 ? 0 : Budgets.Max()) + 1 + Encoding.UTF8.GetByteCount(AnswerPrompt);
            long capacity = prefix + MaxAnswerTokens;
            const string shrink = "lower batch_size or the largest budget";
            var phases = new List<MemoryPhase>();
            if (model.Stored is { } stored && !cuda)
                phases.Add(new MemoryPhase("load", [weights, MemoryFormulas.LoadCopy(c, stored), runtime]));
            var decode = MemoryFormulas.SamplingLogits(c, rows, shrink);
            MemoryPart[] prefill = [MemoryFormulas.Prefill(c, rows, prefix, dtype, shrink), MemoryFormulas.InferenceActivations(c, rows, prefix, dtype, shrink)];
            phases.Add(new MemoryPhase("generate", [
                weights,
                MemoryFormulas.KvCache(c, rows, capacity, dtype, shrink),
                .. decode.Bytes >= prefill.Sum(p => p.Bytes) ? new[] { decode } : prefill,
                runtime,
            ]));
            return new StepMemoryEstimate(phases);
        }
    }
}
