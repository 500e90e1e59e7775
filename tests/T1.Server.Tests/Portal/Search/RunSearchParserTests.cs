using T1.Server.Portal.Search;
using static T1.Server.Portal.Search.SearchExpression;

namespace T1.Server.Tests.Portal.Search;

public sealed class RunSearchParserTests
{
    [Fact]
    public void Parse_ReadsTheIssueExample_AsComparisonsJoinedByAnd()
    {
        var e = RunSearchParser.Parse("params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded and workflow ~ \"t1\"");

        var and = Assert.IsType<And>(e);
        var last = Assert.IsType<Compare>(and.Right);
        Assert.Equal(new SearchField(SearchFieldKind.Column, "workflow"), last.Field);
        Assert.Equal("~", last.Op);
        Assert.Equal("t1", last.Values[0].Text);
        var first = Assert.IsType<Compare>(((And)((And)and.Left).Left).Left);
        Assert.Equal(new SearchField(SearchFieldKind.Param, "lr"), first.Field);
        Assert.Equal(0.001, first.Values[0].Number);
        var metric = Assert.IsType<Compare>(((And)((And)and.Left).Left).Right);
        Assert.Equal(new SearchField(SearchFieldKind.Metric, "accuracy@128"), metric.Field);
    }

    [Fact]
    public void Parse_AndBindsTighterThanOr_AndParenthesesGroup()
    {
        var e = RunSearchParser.Parse("status = failed OR status = succeeded AND version >= 2");
        var or = Assert.IsType<Or>(e);
        Assert.IsType<Compare>(or.Left);
        Assert.IsType<And>(or.Right);

        var grouped = RunSearchParser.Parse("(status = failed or status = succeeded) and not version = 1");
        var and = Assert.IsType<And>(grouped);
        Assert.IsType<Or>(and.Left);
        Assert.IsType<Not>(and.Right);
    }

    [Fact]
    public void Parse_ReadsInLists_QuotedNames_Dates_AndTagFields()
    {
        var e = Assert.IsType<And>(RunSearchParser.Parse("""params.task in (countdown, "linear") and tags."team name" = 'ml' and created >= 2026-11-30T14:05"""));
        var inner = Assert.IsType<And>(e.Left);
        var list = Assert.IsType<Compare>(inner.Left);
        Assert.Equal("in", list.Op);
        Assert.Equal(["countdown", "linear"], list.Values.Select(v => v.Text));
        var tag = Assert.IsType<Compare>(inner.Right);
        Assert.Equal(new SearchField(SearchFieldKind.Tag, "team name"), tag.Field);
        var created = Assert.IsType<Compare>(e.Right);
        Assert.Equal(new DateTime(2026, 11, 30, 14, 5, 0, DateTimeKind.Utc), created.Values[0].Time);
        Assert.Equal(DateTimeKind.Utc, created.Values[0].Time!.Value.Kind);

        var notIn = Assert.IsType<Compare>(RunSearchParser.Parse("STATUS NOT IN (failed, cancelled)"));
        Assert.Equal("not in", notIn.Op);
    }

    [Fact]
    public void Parse_KeepsAQuotedNumberAsTextForParams_AndReadsOperatorsWithoutSpaces()
    {
        var quoted = Assert.IsType<Compare>(RunSearchParser.Parse("params.seed = \"7\""));
        Assert.Null(quoted.Values[0].Number);
        var bare = Assert.IsType<Compare>(RunSearchParser.Parse("params.seed==7"));
        Assert.Equal("=", bare.Op);
        Assert.Equal(7, bare.Values[0].Number);
        Assert.Equal("!=", Assert.IsType<Compare>(RunSearchParser.Parse("version<>3")).Op);
    }

    [Fact]
    public void Parse_OfABlankQuery_IsNull()
    {
        Assert.Null(RunSearchParser.Parse("   "));
        Assert.Null(RunSearchParser.Parse(null));
    }

    [Theory]
    [InlineData("parms.lr < 1", "search, column 1: unknown field 'parms.lr'; fields are id, workflow, version, status, trigger, started_by, note, created, finished, duration, params.NAME, metrics.NAME, tags.NAME")]
    [InlineData("params.lr 0.001", "search, column 11: expected an operator (=, !=, <, <=, >, >=, ~, !~, in, not in) after params.lr, found '0.001'")]
    [InlineData("params.lr <", "search, column 12: expected a value after params.lr <, found the end of the query")]
    [InlineData("workflow ~ \"t1", "search, column 12: the string opened here has no closing \"")]
    [InlineData("status = fast", "search, column 10: 'fast' is not a status; statuses are running, succeeded, failed, cancelled, interrupted")]
    [InlineData("metrics.loss ~ low", "search, column 14: ~ (contains) works on text; metrics.loss holds numbers: use =, !=, <, <=, >, >= or in")]
    [InlineData("metrics.loss < low", "search, column 16: metrics.loss compares with numbers, and 'low' is not one")]
    [InlineData("workflow > t1", "search, column 10: workflow is text: compare it with =, !=, ~, !~ or in, not >")]
    [InlineData("params.task > countdown", "search, column 15: params.task > needs a number, and 'countdown' is not one; compare text with =, !=, ~ or !~")]
    [InlineData("created > yesterday", "search, column 11: 'yesterday' is not a time; write 2026-11-30 or 2026-11-30T14:05 (UTC)")]
    [InlineData("(status = failed", "search, column 17: expected ')' to close the '(' at column 1, found the end of the query")]
    [InlineData("status = failed)", "search, column 16: this ')' closes no '('")]
    [InlineData("status = failed version = 2", "search, column 17: expected and, or, or the end of the query, found 'version'")]
    [InlineData("status in (failed succeeded)", "search, column 19: expected ',' or ')' in the list of status (starting column 1), found 'succeeded'")]
    [InlineData("version = 1 and", "search, column 16: expected a field (id, workflow, version, status, trigger, started_by, note, created, finished, duration, params.NAME, metrics.NAME, tags.NAME), found the end of the query")]
    [InlineData("note ! x", "search, column 6: '!' alone is no operator; write != or !~ (or not)")]
    [InlineData("note = a;b", "search, column 9: unexpected character ';'; quote values that contain it")]
    [InlineData("trigger = cron", "search, column 11: 'cron' is not a trigger; triggers are cli, api, schedule, portal")]
    public void Parse_RefusesABadQuery_NamingTheColumn(string query, string message)
    {
        var e = Assert.Throws<SearchSyntaxException>(() => RunSearchParser.Parse(query));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ParseField_ReadsOneSortColumn_AndRefusesMore()
    {
        Assert.Equal(new SearchField(SearchFieldKind.Metric, "accuracy@128"), RunSearchParser.ParseField("metrics.accuracy@128"));
        Assert.Equal(new SearchField(SearchFieldKind.Param, "my key"), RunSearchParser.ParseField("params.\"my key\""));
        Assert.Equal("params.\"my key\"", RunSearchParser.ParseField("params.\"my key\"").ToString());
        Assert.Equal("search, column 9: expected one field name, found 'x' after it",
            Assert.Throws<SearchSyntaxException>(() => RunSearchParser.ParseField("created x")).Message);
    }
}
