using T1.Storage.Database;

namespace T1.Server.Portal.Search;

/// <summary>The fields a runs search and the runs table know, with the kind of value each compares with.</summary>
public static class SearchFields
{
    public enum ValueKind { Text, Number, Time, Status, Trigger }

    /// <summary>The run's own columns, by search name.</summary>
    public static readonly IReadOnlyDictionary<string, ValueKind> Columns = new Dictionary<string, ValueKind>
    {
        ["id"] = ValueKind.Text,
        ["workflow"] = ValueKind.Text,
        ["version"] = ValueKind.Number,
        ["status"] = ValueKind.Status,
        ["trigger"] = ValueKind.Trigger,
        ["started_by"] = ValueKind.Text,
        ["note"] = ValueKind.Text,
        ["created"] = ValueKind.Time,
        ["finished"] = ValueKind.Time,
        ["duration"] = ValueKind.Number,
    };

    /// <summary>What an unknown field's message lists.</summary>
    public static string Known => string.Join(", ", Columns.Keys) + ", params.NAME, metrics.NAME, tags.NAME";

    /// <summary>Characters of a bare word: names (accuracy@128, my_param, sft/loss), numbers, dates.</summary>
    public static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '@' or '.' or '-' or '+' or '/' or ':';

    public static ValueKind KindOf(SearchField field) => field.Kind switch
    {
        SearchFieldKind.Column => Columns[field.Name],
        SearchFieldKind.Metric => ValueKind.Number,
        SearchFieldKind.Tag => ValueKind.Text,
        _ => ValueKind.Text, // params: numbers compare as numbers, anything else as text (see RunSearchSql)
    };

    public static IReadOnlyList<string> Statuses { get; } = Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()).ToList();

    public static IReadOnlyList<string> Triggers { get; } = Enum.GetNames<RunTrigger>().Select(n => n.ToLowerInvariant()).ToList();

    /// <summary>Reads a field name as written (<c>status</c>, <c>params.lr</c>, <c>metrics."a b"</c> already unquoted); null when unknown.</summary>
    public static SearchField? Resolve(string prefix, string? name)
    {
        if (name is null)
        {
            var lower = prefix.ToLowerInvariant();
            if (lower == "started") lower = "created";
            if (lower == "user") lower = "started_by";
            return Columns.ContainsKey(lower) ? new SearchField(SearchFieldKind.Column, lower) : null;
        }
        if (name.Length == 0) return null;
        return prefix.ToLowerInvariant() switch
        {
            "params" or "param" => new SearchField(SearchFieldKind.Param, name),
            "metrics" or "metric" => new SearchField(SearchFieldKind.Metric, name),
            "tags" or "tag" => new SearchField(SearchFieldKind.Tag, name),
            _ => null,
        };
    }
}
