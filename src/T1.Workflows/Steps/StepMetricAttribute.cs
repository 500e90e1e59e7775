namespace T1.Workflows.Steps;

/// <summary>
/// Declares which way a metric the step logs improves (repeat for each such metric), so the portal marks a "best"
/// value only where one exists: a loss is best at its lowest, an accuracy at its highest; lr, entropy or a truncation
/// rate have no best and are not declared. <see cref="Key"/> may end in <c>*</c> for a family (<c>accuracy@*</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class StepMetricAttribute(string key, MetricGoal goal) : Attribute
{
    public string Key { get; } = key;
    public MetricGoal Goal { get; } = goal;

    public bool Matches(string key) => Key.EndsWith('*') ? key.StartsWith(Key[..^1], StringComparison.Ordinal) : key == Key;
}
