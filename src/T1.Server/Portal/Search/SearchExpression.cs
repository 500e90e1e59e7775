namespace T1.Server.Portal.Search;

/// <summary>A parsed runs search (<see cref="RunSearchParser"/>): comparisons joined by AND, OR and NOT.</summary>
public abstract record SearchExpression
{
    public sealed record And(SearchExpression Left, SearchExpression Right) : SearchExpression;

    public sealed record Or(SearchExpression Left, SearchExpression Right) : SearchExpression;

    public sealed record Not(SearchExpression Operand) : SearchExpression;

    /// <summary>
    /// <c>field op value</c>, or <c>field in (v1, v2, …)</c> (<see cref="Op"/> is <c>in</c> or <c>not in</c>, with every
    /// value in <see cref="Values"/>). Values are already checked against the field's kind.
    /// </summary>
    public sealed record Compare(SearchField Field, string Op, IReadOnlyList<SearchValue> Values) : SearchExpression;
}
