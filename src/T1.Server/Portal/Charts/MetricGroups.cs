using T1.Storage.Database;

namespace T1.Server.Portal.Charts;

/// <summary>A step's curves on a run page: each on the step's own x axis (its training steps), one chart a metric key.</summary>
public sealed record StepCurves(string StepId, IReadOnlyList<(string Key, ChartSeries Series)> Charts);

/// <summary>A metric logged once by a step (a final score, accuracy@B): shown as a number, not as a one-dot chart.</summary>
public sealed record MetricValue(string Key, string StepId, long Step, double Value);

/// <summary>Splits a run's metrics into per-step curves and single values.</summary>
public static class MetricGroups
{
    /// <param name="stepIds">step run id → step id, in the run's step order (which orders the groups).</param>
    /// <param name="palette">the page's colours by step id.</param>
    public static (IReadOnlyList<StepCurves> Curves, IReadOnlyList<MetricValue> Values) Of(
        IEnumerable<MetricRecord> metrics, IReadOnlyList<(long Id, string StepId)> stepIds, RunPalette palette)
    {
        var byStep = metrics.GroupBy(m => m.StepRunId).ToDictionary(g => g.Key, g => g.ToList());
        var curves = new List<StepCurves>();
        var values = new List<MetricValue>();
        foreach (var (id, stepId) in stepIds)
        {
            if (!byStep.TryGetValue(id, out var records)) continue;
            var charts = new List<(string, ChartSeries)>();
            foreach (var key in records.Select(m => m.Key).Distinct().Order(NaturalOrder.Instance))
            {
                var points = records.Where(m => m.Key == key).OrderBy(m => m.Step).ToList();
                // A curve needs two points: a key logged once is a value.
                if (points.Count == 1) values.Add(new MetricValue(key, stepId, points[0].Step, points[0].Value));
                else charts.Add((key, new ChartSeries(stepId, points.Select(m => new ChartPoint(m.Step, m.Value)).ToList()) { Color = palette.Color(stepId) }));
            }
            if (charts.Count > 0) curves.Add(new StepCurves(stepId, charts));
        }
        return (curves, values.OrderBy(v => v.Key, NaturalOrder.Instance).ThenBy(v => v.StepId, StringComparer.Ordinal).ToList());
    }
}
