using System.Text.Json.Nodes;
using T1.Ml.Model;
using T1.Workflows.Steps;

namespace T1.Ml.Planning;

/// <summary>
/// Finds the shape of a step's model without loading it: a preset the step builds, config.json of a model folder
/// (or the file itself), or the model of the earlier step whose checkpoint output the input names.
/// </summary>
internal static class ModelLocator
{
    /// <summary>The model, or null and why it cannot be known here.</summary>
    public static (PlanModel? Model, string? Why) Find(PlanModelSource source, IReadOnlyDictionary<string, PlanModel> byStep,
        IReadOnlyDictionary<string, PlanDtype> writtenBy)
    {
        var value = source.Value.Trim();
        if (source.NewModel is { } preset) return (new PlanModel(preset, null, $"new {value}"), null);
        if (MemoryPlanner.StepOfMarker(value) is { } stepId)
        {
            return byStep.TryGetValue(stepId, out var upstream)
                ? (upstream with { Stored = writtenBy.GetValueOrDefault(stepId, PlanDtype.Fp32), Source = $"checkpoint of '{stepId}'" }, null)
                : (null, $"input '{source.Input}' comes from step '{stepId}', whose model is not known here");
        }
        if (ArtifactRef.TryParse(value, out _))
            return (null, $"input '{source.Input}' is a stored artifact ({value}); plan reads a preset, a model folder with config.json or an earlier step's checkpoint");
        var config = Directory.Exists(value) ? Path.Combine(value, "config.json") : value;
        if (!File.Exists(config))
            return (null, $"input '{source.Input}' = '{value}' is not a preset, a folder with config.json nor an earlier step's checkpoint on this machine");
        try
        {
            var json = File.ReadAllText(config);
            var dtype = PlanDtypes.FromTorchDtype((string?)JsonNode.Parse(json)?["torch_dtype"]);
            return (new PlanModel(ModelConfig.FromHfJson(json), dtype, value), null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            return (null, $"input '{source.Input}': {config}: {e.Message}");
        }
    }
}
