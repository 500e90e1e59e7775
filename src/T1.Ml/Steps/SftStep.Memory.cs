using T1.Ml.Model;
using T1.Ml.Planning;

namespace T1.Ml.Steps;

public sealed partial class SftStep
{
    /// <summary>The sft step's memory, from its inputs: see <see cref="MemoryFormulas"/> for each term.</summary>
    public sealed partial class Inputs : IPlansMemory
    {
        PlanModelSource IPlansMemory.ModelSource =>
            new("model", Model, Model.Trim().ToLowerInvariant() is "tiny" or "small" ? ModelConfig.Preset(Model, VocabSize) : null);

        StepMemoryEstimate IPlansMemory.EstimateMemory(PlanModel model, PlanSettings settings)
        {
            var c = model.Config;
            var dtype = PlanDtypes.FromStepInput(Dtype); // weights, gradients and activations; AdamW (and bf16's master weights) in fp32
            bool cuda = settings.IsCuda(Device);
            var runtime = MemoryFormulas.Runtime(settings, cuda);
            var weights = MemoryFormulas.Weights(c, dtype, 1, "model");
            const string shrink = "lower batch_size or max_len (grad_accum keeps the effective batch), or set grad_checkpoint: true";
            // Worst case: a micro-batch of batch_size sequences of max_len tokens (inputs are max_len − 1 long).
            long positions = MaxLen - 1;
            var phases = new List<MemoryPhase>();
            if (model.Stored is { } stored && !cuda)
                phases.Add(new MemoryPhase("load", [weights, MemoryFormulas.LoadCopy(c, stored), runtime]));
            phases.Add(new MemoryPhase("train", [
                weights,
                MemoryFormulas.Gradients(c, dtype),
                MemoryFormulas.AdamW(c, dtype),
                MemoryFormulas.TrainingActivations(c, BatchSize, positions, dtype, GradCheckpoint, shrink),
                MemoryFormulas.Logits(c, BatchSize, positions, dtype, 4, training: true, "chunked cross-entropy", "lower batch_size or max_len"),
                runtime,
            ]));
            return new StepMemoryEstimate(phases, dtype);
        }
    }
}
