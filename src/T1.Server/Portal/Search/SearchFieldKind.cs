namespace T1.Server.Portal.Search;

public enum SearchFieldKind
{
    Column,
    Param,
    Metric,
    Tag,
}
