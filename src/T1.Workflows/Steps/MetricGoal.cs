namespace T1.Workflows.Steps;

/// <summary>Which way a declared metric improves (see <see cref="StepMetricAttribute"/>).</summary>
public enum MetricGoal
{
    Minimize,
    Maximize,
}
