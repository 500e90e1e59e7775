using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>Device choice and checkpoint loading for ML steps, with errors a user can act on.</summary>
internal static class StepCompute
{
    public static ComputeDevice Initialize(string device, long seed, StepContext context)
    {
        try { return ComputeDevice.Initialize(device, seed); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new StepFailedException($"step '{context.StepId}': input 'device': {e.Message}");
        }
    }

    /// <summary>Loads a checkpoint folder that must carry its tokenizer, in <paramref name="dtype"/> (fp32 or bf16).</summary>
    public static LoadedCheckpoint LoadCheckpoint(string path, ComputeDevice compute, StepContext context, string input, string dtype = ModelDtype.Fp32)
    {
        LoadedCheckpoint loaded;
        try { loaded = Checkpoint.Load(path, compute.Device, ModelDtype.Parse(dtype)); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new StepFailedException($"step '{context.StepId}': input '{input}' is not a usable checkpoint: {e.Message}");
        }
        if (loaded.Tokenizer is null)
        {
            loaded.Dispose();
            throw new StepFailedException($"step '{context.StepId}': the checkpoint in input '{input}' has no tokenizer (vocab.json + merges.txt or tokenizer.json); save it with its tokenizer");
        }
        return loaded;
    }
}
