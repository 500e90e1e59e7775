using T1.Ml.Model;

namespace T1.Ml.Planning;

/// <summary>
/// The model a step loads, as the planner found it: its shape, the dtype of the weights on disk (what a load
/// reads before copying into the model) and where it came from.
/// </summary>
/// <param name="Config">The shape (config.json, or a preset).</param>
/// <param name="Stored">Dtype of the stored weights (config.json's torch_dtype); null when nothing is read from disk (a new preset model).</param>
/// <param name="Source">Where it came from, for the table: a preset name, a folder, or "from step 'sft'".</param>
public sealed record PlanModel(ModelConfig Config, PlanDtype? Stored, string Source)
{
    /// <summary>Parameters of <see cref="Config"/>.</summary>
    public long Parameters => MemoryFormulas.ParameterCount(Config);

    /// <summary>"1.54 B params (L 28, C 1536, H 12/2, V 151936)".</summary>
    public string Shape
    {
        get
        {
            double p = Parameters;
            string count = p >= 1e9 ? $"{p / 1e9:0.00} B" : p >= 1e6 ? $"{p / 1e6:0.0} M" : $"{p / 1e3:0} k";
            return FormattableString.Invariant($"{count} params (L {Config.NumLayers}, C {Config.HiddenSize}, H {Config.NumHeads}/{Config.NumKvHeads}, V {Config.VocabSize})");
        }
    }
}
