namespace T1.Ml.Planning;

/// <summary>The estimated peak memory of each planned step of a workflow, in the order the steps run.</summary>
public sealed record MemoryPlan(string Workflow, IReadOnlyList<StepPlan> Steps)
{
    /// <summary>
    /// One message per step whose peak exceeds <paramref name="deviceBytes"/>, naming the step, its peak phase,
    /// the largest part and the inputs that shrink it.
    /// </summary>
    public IReadOnlyList<string> Problems(long deviceBytes)
    {
        var problems = new List<string>();
        foreach (var step in Steps)
        {
            if (step.Estimate is not { } estimate || estimate.Peak.Total <= deviceBytes) continue;
            var peak = estimate.Peak;
            var message = $"step '{step.StepId}' needs an estimated {DataSize.Format(peak.Total)} at its peak ({peak.Name}) but the device has {DataSize.Format(deviceBytes)}";
            if (peak.LargestReducible is { } part)
                message += $"; the largest part it can shrink is {Name(part.Component)} ({DataSize.Format(part.Bytes)}): {part.Remedy}";
            problems.Add(message);
        }
        return problems;
    }

    /// <summary>The column name of a component: "kv cache", "optimizer", ….</summary>
    public static string Name(MemoryComponent component) => component switch
    {
        MemoryComponent.KvCache => "kv cache",
        _ => component.ToString().ToLowerInvariant(),
    };
}
