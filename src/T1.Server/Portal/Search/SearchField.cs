namespace T1.Server.Portal.Search;

/// <summary>
/// A field of a run that searches and the runs table's columns name: a column of the run
/// (<see cref="SearchFieldKind.Column"/>, <see cref="Name"/> one of <see cref="SearchFields.Columns"/>), or
/// <c>params.NAME</c>, <c>metrics.NAME</c> (the run's last recorded value of that metric) and <c>tags.NAME</c>.
/// </summary>
public sealed record SearchField(SearchFieldKind Kind, string Name)
{
    public override string ToString() => Kind switch
    {
        SearchFieldKind.Param => "params." + Quote(Name),
        SearchFieldKind.Metric => "metrics." + Quote(Name),
        SearchFieldKind.Tag => "tags." + Quote(Name),
        _ => Name,
    };

    private static string Quote(string name) => name.All(SearchFields.IsNameChar) ? name : "\"" + name.Replace("\"", "\\\"") + "\"";
}
