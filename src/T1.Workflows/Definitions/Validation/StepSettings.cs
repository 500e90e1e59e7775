using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>Reads a step's `retry`, `cache` and `timeout`.</summary>
internal static class StepSettings
{
    /// <summary>
    /// <c>retry: { attempts: 3, backoff: 30s }</c>, or <c>retry: 3</c> for attempts alone.
    /// Attempts count total tries including the first.
    /// </summary>
    public static RetryPolicy Retry(YNode value, DraftStep step, DiagnosticBag bag)
    {
        if (value is YScalar scalar) return new RetryPolicy(Attempts(scalar, step, bag), RetryPolicy.DefaultBackoff);
        if (value is not YMapping map)
        {
            bag.Error(value, $"{step.Label}: 'retry' must be a mapping like {{ attempts: 3, backoff: 30s }}, not {WorkflowReader.Describe(value)}");
            return RetryPolicy.Default;
        }
        var attempts = RetryPolicy.Default.Attempts;
        var backoff = RetryPolicy.DefaultBackoff;
        foreach (var (key, v) in WorkflowReader.UniqueEntries(map, bag, "key"))
        {
            switch (key.Value)
            {
                case "attempts": attempts = Attempts(v, step, bag); break;
                case "backoff":
                    if (v is YScalar b && Durations.TryParse(b.Value, out var t)) backoff = t;
                    else bag.Error(v, $"{step.Label}: invalid retry backoff {WorkflowReader.Describe(v)}; write a duration like 500ms, 30s, 5m, 1h30m or 2d");
                    break;
                default: bag.Error(key, $"{step.Label}: unknown key 'retry.{key.Value}'{WorkflowReader.Hint(key.Value, WorkflowReader.RetryKeys)}"); break;
            }
        }
        return new RetryPolicy(attempts, backoff);
    }

    private static int Attempts(YNode value, DraftStep step, DiagnosticBag bag)
    {
        if (value is YScalar { IsPlain: true } s && int.TryParse(s.Value, out var n))
        {
            if (n >= 1) return n;
            bag.Error(value, $"{step.Label}: retry attempts must be at least 1 (total tries, the first included; 1 means no retry), got {n}");
        }
        else
            bag.Error(value, $"{step.Label}: retry attempts must be a whole number of total tries, got {WorkflowReader.Describe(value)}");
        return RetryPolicy.Default.Attempts;
    }

    public static bool Cache(YNode value, DraftStep step, DiagnosticBag bag)
    {
        if (value is YScalar s && YamlValues.Scalar(s) is { } node && node.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
            return node.GetValue<bool>();
        bag.Error(value, $"{step.Label}: 'cache' must be true or false, got {WorkflowReader.Describe(value)}");
        return StepDefinition.DefaultCache;
    }

    public static TimeSpan? Timeout(YNode value, DraftStep step, DiagnosticBag bag)
    {
        if (value is YScalar { IsPlain: true, Value: "" or "~" or "null" }) return null;
        if (value is YScalar s && Durations.TryParse(s.Value, out var t) && t > TimeSpan.Zero) return t;
        bag.Error(value, $"{step.Label}: invalid timeout {WorkflowReader.Describe(value)}; write a positive duration like 30s, 5m or 2h");
        return null;
    }
}
