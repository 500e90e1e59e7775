using System.Reflection;
using T1.Workflows.Steps;

namespace T1.Server.Portal.Charts;

/// <summary>Which way a metric improves, as the step type that logs it declares (<see cref="StepMetricAttribute"/>); no guessing from names.</summary>
public static class MetricDirection
{
    /// <summary>The declared goal of <paramref name="key"/> logged by a step of <paramref name="stepType"/>, or null: then the metric has no "best".</summary>
    public static MetricGoal? Of(StepCatalog catalog, string stepType, string key) =>
        catalog.Find(stepType)?.HandlerType.GetCustomAttributes<StepMetricAttribute>().FirstOrDefault(a => a.Matches(key))?.Goal;
}
