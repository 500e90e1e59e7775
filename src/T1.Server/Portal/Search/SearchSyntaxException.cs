namespace T1.Server.Portal.Search;

/// <summary>A runs search that cannot be read: <see cref="Exception.Message"/> names the column (1-based) and what to write instead.</summary>
public sealed class SearchSyntaxException(int column, string problem) : Exception($"search, column {column}: {problem}")
{
    public int Column { get; } = column;
}
