using T1.Storage.Database;

namespace T1.Server.Portal.Search;

/// <summary>One page of a runs search and how many runs match in all.</summary>
public sealed record RunSearchPage(IReadOnlyList<RunRecord> Rows, int Total);
