using System.Text.Json.Nodes;

namespace T1.Workflows.Steps;

/// <summary>What a handler returns: a value for each declared output.</summary>
public sealed class StepResult
{
    private readonly Dictionary<string, JsonNode?> _outputs = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonNode?> Outputs => _outputs;

    public StepResult Set(string name, JsonNode? value)
    {
        _outputs[name] = value;
        return this;
    }

    public StepResult Set(string name, string value) => Set(name, JsonValue.Create(value));
    public StepResult Set(string name, long value) => Set(name, JsonValue.Create(value));
    public StepResult Set(string name, double value) => Set(name, JsonValue.Create(value));
    public StepResult Set(string name, bool value) => Set(name, JsonValue.Create(value));
    public StepResult Set(string name, ArtifactRef value) => Set(name, JsonValue.Create(value.ToString()));
}
