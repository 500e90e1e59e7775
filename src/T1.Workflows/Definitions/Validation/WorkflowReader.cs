using System.Text.RegularExpressions;
using Cronos;
using T1.Workflows.Steps;

namespace T1.Workflows.Definitions.Validation;

/// <summary>
/// Reads the shape of a workflow file: known keys, scalar kinds, ids, queues, retry, cache,
/// timeout and schedule. Step types, inputs, the graph and expressions are checked afterwards.
/// </summary>
internal static partial class WorkflowReader
{
    public static readonly string[] TopLevelKeys = ["name", "description", "schedule", "params", "steps"];
    public static readonly string[] StepKeys = ["id", "uses", "needs", "queue", "retry", "cache", "timeout", "with"];
    public static readonly string[] RetryKeys = ["attempts", "backoff"];
    public const int MaxIdLength = 64;

    public static DraftWorkflow? Read(YNode? root, DiagnosticBag bag)
    {
        if (root is null || root is YScalar { IsPlain: true, Value: "" })
        {
            bag.Error(1, 1, "the file is empty; a workflow needs at least 'name' and 'steps'");
            return null;
        }
        if (root is not YMapping map)
        {
            bag.Error(root, $"a workflow must be a mapping with 'name' and 'steps', not {Describe(root)}");
            return null;
        }
        var draft = new DraftWorkflow { Root = map };
        foreach (var (key, value) in UniqueEntries(map, bag, "key"))
        {
            switch (key.Value)
            {
                case "name": draft.Name = Text(value, "'name'", bag); break;
                case "description": draft.Description = Text(value, "'description'", bag); break;
                case "schedule": draft.Schedule = Schedule(value, bag); break;
                case "params": ReadParams(value, draft, bag); break;
                case "steps": ReadSteps(key, value, draft, bag); break;
                default: bag.Error(key, $"unknown key '{key.Value}'{Hint(key.Value, TopLevelKeys)}"); break;
            }
        }
        if (map["name"] is null) bag.Error(map, "missing required key 'name'");
        else if (string.IsNullOrWhiteSpace(draft.Name) && map["name"] is YScalar) bag.Error(map["name"]!, "'name' must not be empty");
        if (map["steps"] is null) bag.Error(map, "missing required key 'steps'");
        return draft;
    }

    internal static string Hint(string name, IReadOnlyCollection<string> known) =>
        Suggestions.Closest(name, known) is { } s ? $"; did you mean '{s}'?" : $"; expected one of: {string.Join(", ", known)}";

    internal static string Describe(YNode node) => node switch
    {
        YSequence => "a list",
        YMapping => "a mapping",
        YScalar s => $"'{s.Value}'",
        _ => "this",
    };

    /// <summary>Entries of a mapping, reporting a repeated key once per repeat (YAML says keys are unique).</summary>
    internal static IEnumerable<KeyValuePair<YScalar, YNode>> UniqueEntries(YMapping map, DiagnosticBag bag, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            if (seen.Add(entry.Key.Value)) yield return entry;
            else bag.Error(entry.Key, $"duplicate {what} '{entry.Key.Value}'");
        }
    }

    private static string? Text(YNode node, string what, DiagnosticBag bag)
    {
        if (node is YScalar s) return s.IsPlain && s.Value is "" or "~" or "null" ? null : s.Value;
        bag.Error(node, $"{what} must be text, not {Describe(node)}");
        return null;
    }

    private static string? Schedule(YNode node, DiagnosticBag bag)
    {
        var text = Text(node, "'schedule'", bag);
        if (text is null) return null;
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        string reason;
        try
        {
            if (fields is 5 or 6)
            {
                // 6 fields: a leading seconds field, as Hangfire accepts.
                CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
                return text;
            }
            reason = $"it has {fields} fields";
        }
        catch (CronFormatException e)
        {
            reason = e.Message.Replace("The given cron expression has an invalid format.", "", StringComparison.Ordinal)
                .Replace("\0", "end of text", StringComparison.Ordinal).Trim().TrimEnd('.');
        }
        bag.Error(node, $"invalid schedule '{text}'{(reason.Length > 0 ? $" ({reason})" : "")}; write 5 cron fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\", or 6 with seconds first");
        return null;
    }

    private static void ReadParams(YNode node, DraftWorkflow draft, DiagnosticBag bag)
    {
        if (node is YScalar { IsPlain: true, Value: "" or "~" or "null" }) return;
        if (node is not YMapping map)
        {
            bag.Error(node, $"'params' must be a mapping of names to default values, not {Describe(node)}");
            return;
        }
        foreach (var (key, value) in UniqueEntries(map, bag, "param"))
        {
            if (!ParamName().IsMatch(key.Value))
                bag.Error(key, $"invalid param name '{key.Value}'; use letters, digits, '_' and '-', starting with a letter or '_'");
            draft.Params.Add((key, value));
        }
    }

    private static void ReadSteps(YScalar key, YNode node, DraftWorkflow draft, DiagnosticBag bag)
    {
        if (node is YScalar { IsPlain: true, Value: "" or "~" or "null" } || node is YSequence { Items.Count: 0 })
        {
            bag.Error(key, "'steps' is empty; add at least one step");
            return;
        }
        if (node is not YSequence seq)
        {
            bag.Error(node, $"'steps' must be a list of steps ('- id: ...'), not {Describe(node)}");
            return;
        }
        for (var i = 0; i < seq.Items.Count; i++)
        {
            if (seq.Items[i] is YMapping stepMap) draft.Steps.Add(ReadStep(stepMap, draft.Steps.Count, i + 1, bag));
            else bag.Error(seq.Items[i], $"step #{i + 1} must be a mapping with 'id' and 'uses', not {Describe(seq.Items[i])}");
        }
    }

    private static DraftStep ReadStep(YMapping map, int index, int number, DiagnosticBag bag)
    {
        var step = new DraftStep { Node = map, Index = index, Number = number };
        if (map["id"] is YScalar id) step.IdNode = id;
        foreach (var (key, value) in UniqueEntries(map, bag, "key"))
        {
            switch (key.Value)
            {
                case "id": ReadId(value, step, bag); break;
                case "uses":
                    if (value is YScalar { Value.Length: > 0 } uses) step.UsesNode = uses;
                    else bag.Error(value, $"{step.Label}: 'uses' must name a step type, not {Describe(value)}");
                    break;
                case "needs": step.NeedsKey = key; ReadNeeds(value, step, bag); break;
                case "queue": step.Queue = Queue(value, step, bag); break;
                case "retry": step.Retry = StepSettings.Retry(value, step, bag); break;
                case "cache": step.Cache = StepSettings.Cache(value, step, bag); break;
                case "timeout": step.Timeout = StepSettings.Timeout(value, step, bag); break;
                case "with":
                    step.WithKey = key;
                    if (value is YMapping with) step.With = with;
                    else if (value is not YScalar { IsPlain: true, Value: "" or "~" or "null" })
                        bag.Error(value, $"{step.Label}: 'with' must be a mapping of input names to values, not {Describe(value)}");
                    break;
                default: bag.Error(key, $"{step.Label}: unknown key '{key.Value}'{Hint(key.Value, StepKeys)}"); break;
            }
        }
        if (map["id"] is null) bag.Error(map, $"{step.Label} is missing 'id'");
        if (map["uses"] is null) bag.Error(map, $"{step.Label} is missing 'uses'; name a step type, e.g. 'uses: echo'");
        return step;
    }

    private static void ReadId(YNode value, DraftStep step, DiagnosticBag bag)
    {
        if (value is not YScalar id)
        {
            bag.Error(value, $"{step.Label}: 'id' must be text, not {Describe(value)}");
            return;
        }
        if (!StepId().IsMatch(id.Value) || id.Value.Length > MaxIdLength)
            bag.Error(id, $"invalid step id '{id.Value}'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most {MaxIdLength} characters");
    }

    private static void ReadNeeds(YNode value, DraftStep step, DiagnosticBag bag)
    {
        IReadOnlyList<YNode>? items = value switch
        {
            YScalar { IsPlain: true, Value: "" or "~" or "null" } => [],
            YScalar s => [s],
            YSequence seq => seq.Items,
            _ => null,
        };
        if (items is null)
        {
            bag.Error(value, $"{step.Label}: 'needs' must be a step id or a list of step ids, not {Describe(value)}");
            return;
        }
        foreach (var item in items)
        {
            if (item is YScalar s) { if (step.Needs.All(n => n.Value != s.Value)) step.Needs.Add(s); }
            else bag.Error(item, $"{step.Label}: each entry of 'needs' must be a step id, not {Describe(item)}");
        }
    }

    private static string? Queue(YNode value, DraftStep step, DiagnosticBag bag)
    {
        if (value is YScalar s && QueueName().IsMatch(s.Value)) return s.Value;
        bag.Error(value, $"{step.Label}: invalid queue {Describe(value)}; queue names use lowercase letters, digits, '-' and '_' (e.g. gpu, cpu)");
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    internal static partial Regex StepId();

    [GeneratedRegex("^[a-z0-9_-]+$")]
    internal static partial Regex QueueName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex ParamName();
}
