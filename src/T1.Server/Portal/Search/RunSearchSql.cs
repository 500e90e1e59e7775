using System.Globalization;
using T1.Storage.Database;
using static T1.Server.Portal.Search.SearchFields;

namespace T1.Server.Portal.Search;

/// <summary>
/// Turns a parsed search and a sort into SQL over <c>runs AS r</c> for PostgreSQL or SQLite, every value a parameter
/// (<c>{0}</c>, <c>{1}</c>, … as EF Core's <c>FromSqlRaw</c> takes them, in <see cref="Args"/>). Params are read from the
/// run's params JSON (numbers compare as numbers when the value is a number); a metric is the run's last recorded value
/// of that key (the <c>metrics (RunId, Key, Id)</c> index makes it one seek a run); a run without the param, metric or
/// tag matches no comparison of it.
/// </summary>
public sealed class RunSearchSql(bool postgres)
{
    private readonly List<object> _args = [];

    public IReadOnlyList<object> Args => _args;

    public static RunSearchSql For(T1DbContext db) => new(db is PostgresT1DbContext);

    /// <summary>A WHERE condition; <c>TRUE</c> (as <c>1 = 1</c>) for no expression.</summary>
    public string Where(SearchExpression? expression) => expression switch
    {
        null => "1 = 1",
        SearchExpression.And a => $"({Where(a.Left)} AND {Where(a.Right)})",
        SearchExpression.Or o => $"({Where(o.Left)} OR {Where(o.Right)})",
        SearchExpression.Not n => $"(NOT COALESCE({Where(n.Operand)}, FALSE))",
        SearchExpression.Compare c => Compare(c),
        _ => throw new ArgumentOutOfRangeException(nameof(expression)),
    };

    /// <summary>An ORDER BY list: the field (runs without it last), then newest first.</summary>
    public string OrderBy(SearchField? field, bool descending)
    {
        var dir = descending ? "DESC" : "ASC";
        var keys = new List<string>();
        if (field is not null)
        {
            if (field.Kind == SearchFieldKind.Param)
            {
                keys.Add($"{ParamNumber(field.Name)} {dir} NULLS LAST");
                keys.Add($"{ParamText(field.Name)} {dir} NULLS LAST");
            }
            else keys.Add($"{Expression(field, numeric: true)} {dir} NULLS LAST");
        }
        keys.Add("r.\"CreatedAt\" DESC");
        keys.Add("r.\"Id\" DESC");
        return string.Join(", ", keys);
    }

    /// <summary>A placeholder for one more argument.</summary>
    public string Arg(object value)
    {
        _args.Add(value);
        return "{" + (_args.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
    }

    private string Compare(SearchExpression.Compare c)
    {
        var kind = KindOf(c.Field);
        var numeric = kind == ValueKind.Number || c.Field.Kind == SearchFieldKind.Param && c.Values.All(v => v.Number is not null) && c.Op is not ("~" or "!~");
        var column = Expression(c.Field, numeric);
        switch (c.Op)
        {
            case "~" or "!~":
                var found = postgres ? $"strpos(lower(COALESCE({column}, '')), lower({Arg(c.Values[0].Text)})) > 0"
                    : $"instr(lower(COALESCE({column}, '')), lower({Arg(c.Values[0].Text)})) > 0";
                return c.Op == "~" ? found : $"NOT ({found})";
            case "in" or "not in":
                var list = string.Join(", ", c.Values.Select(v => Value(v, kind, numeric)));
                return $"{column} {(c.Op == "in" ? "IN" : "NOT IN")} ({list})";
        }
        if (kind == ValueKind.Time && c.Op is "=" or "!=")
        {
            var v = c.Values[0];
            var from = v.Time!.Value;
            var to = v.Text.Length <= 10 ? from.AddDays(1) : v.Text.TrimEnd('Z').Length <= 16 ? from.AddMinutes(1) : from.AddSeconds(1);
            var within = $"({column} >= {Arg(from)} AND {column} < {Arg(to)})";
            return c.Op == "=" ? within : $"NOT COALESCE({within}, FALSE)";
        }
        var op = c.Op == "!=" ? "<>" : c.Op;
        return $"{column} {op} {Value(c.Values[0], kind, numeric)}";
    }

    private string Value(SearchValue v, ValueKind kind, bool numeric) => kind switch
    {
        ValueKind.Status => Arg(Enum.Parse<RunStatus>(v.Text, ignoreCase: true).ToString()),
        ValueKind.Trigger => Arg(Enum.Parse<RunTrigger>(v.Text, ignoreCase: true).ToString()),
        ValueKind.Time => Arg(v.Time!.Value),
        _ when numeric => Arg(v.Number!.Value),
        _ => Arg(v.Text),
    };

    private string Expression(SearchField field, bool numeric) => field.Kind switch
    {
        SearchFieldKind.Param => numeric ? ParamNumber(field.Name) : ParamText(field.Name),
        SearchFieldKind.Metric => $"(SELECT m.\"Value\" FROM metrics AS m WHERE m.\"RunId\" = r.\"Id\" AND m.\"Key\" = {Arg(field.Name)} ORDER BY m.\"Id\" DESC LIMIT 1)",
        SearchFieldKind.Tag => $"(SELECT t.\"Value\" FROM run_tags AS t WHERE t.\"RunId\" = r.\"Id\" AND t.\"Key\" = {Arg(field.Name)})",
        _ => field.Name switch
        {
            "id" => "r.\"Id\"",
            "workflow" => "r.\"WorkflowName\"",
            "version" => "r.\"DefinitionVersion\"",
            "status" => "r.\"Status\"",
            "trigger" => "r.\"Trigger\"",
            "started_by" => "r.\"StartedBy\"",
            "note" => "r.\"Note\"",
            "created" => "r.\"CreatedAt\"",
            "finished" => "r.\"FinishedAt\"",
            "duration" => postgres ? "EXTRACT(EPOCH FROM (r.\"FinishedAt\" - r.\"CreatedAt\"))"
                : "((julianday(r.\"FinishedAt\") - julianday(r.\"CreatedAt\")) * 86400.0)",
            _ => throw new ArgumentOutOfRangeException(nameof(field), field.Name, "not a run column"),
        },
    };

    private string ParamNumber(string name)
    {
        if (postgres)
        {
            var key = Arg(name);
            return $"(CASE WHEN jsonb_typeof(r.\"ParamsJson\"::jsonb -> {key}) = 'number' THEN (r.\"ParamsJson\"::jsonb ->> {key})::double precision END)";
        }
        var path = Arg(JsonPath(name));
        return $"(CASE WHEN json_type(r.\"ParamsJson\", {path}) IN ('integer', 'real') THEN json_extract(r.\"ParamsJson\", {path}) END)";
    }

    private string ParamText(string name)
    {
        if (postgres) return $"(r.\"ParamsJson\"::jsonb ->> {Arg(name)})";
        var path = Arg(JsonPath(name));
        return $"(CASE json_type(r.\"ParamsJson\", {path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL "
            + $"ELSE CAST(json_extract(r.\"ParamsJson\", {path}) AS TEXT) END)";
    }

    private static string JsonPath(string name) => "$.\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
