using T1.Ml.Model;

namespace T1.Ml.Planning;

/// <summary>
/// Where a step's model comes from, as its inputs say: the input's name and value (a preset, a model folder or
/// config.json, a checkpoint artifact, or an earlier step's output), and the shape of a new model when the step
/// builds one from a preset (nothing is loaded then).
/// </summary>
public sealed record PlanModelSource(string Input, string Value, ModelConfig? NewModel = null);
