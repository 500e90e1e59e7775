using T1.Server.Portal.Search;
using T1.Storage.Database;

namespace T1.Server.Tests.Portal.Search;

/// <summary>Searches run as SQL on both real providers (SQLite file, throwaway PostgreSQL) over the same seeded runs.</summary>
public sealed class RunSearchTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(false, "params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded and workflow ~ \"T1\"", "a")]
    [InlineData(true, "params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded and workflow ~ \"T1\"", "a")]
    [InlineData(false, "status in (failed, running) or params.task = linear", "b,c")]
    [InlineData(true, "status in (failed, running) or params.task = linear", "b,c")]
    [InlineData(false, "not (status = succeeded or workflow = t1-small)", "b")]
    [InlineData(true, "not (status = succeeded or workflow = t1-small)", "b")]
    [InlineData(false, "metrics.loss <= 1.5", "b")]
    [InlineData(true, "metrics.loss <= 1.5", "b")]
    [InlineData(false, "tags.team = ml and note ~ BEST", "a")]
    [InlineData(true, "tags.team = ml and note ~ BEST", "a")]
    [InlineData(false, "created = 2026-11-30 and created < 2026-11-30T14:00", "a,b")]
    [InlineData(true, "created = 2026-11-30 and created < 2026-11-30T14:00", "a,b")]
    [InlineData(false, "duration > 90 and started_by = alice", "b")]
    [InlineData(true, "duration > 90 and started_by = alice", "b")]
    [InlineData(false, "params.seed = \"7\" or params.fast = true", "c,d")]
    [InlineData(true, "params.seed = \"7\" or params.fast = true", "c,d")]
    [InlineData(false, "params.missing = 1 or params.missing != 1", "")]
    [InlineData(true, "params.missing = 1 or params.missing != 1", "")]
    [InlineData(false, "", "a,b,c,d")]
    [InlineData(true, "", "a,b,c,d")]
    public async Task Search_MatchesTheSameRuns_OnSqliteAndPostgres(bool postgres, string query, string expected)
    {
        await using var fixture = await SeededAsync(postgres);
        var page = await new RunSearch(fixture.Database).SearchAsync(query, "id", descending: false, 0, 100);
        Assert.Equal(expected, string.Join(",", page.Rows.Select(r => r.Id)));
        Assert.Equal(page.Rows.Count, page.Total);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Search_SortsByMetricsAndParams_RunsWithoutTheValueLast_AndPages(bool postgres)
    {
        await using var fixture = await SeededAsync(postgres);
        var search = new RunSearch(fixture.Database);

        var byAccuracy = await search.SearchAsync(null, "metrics.accuracy@128", descending: true, 0, 100);
        Assert.Equal("b,a,d,c", string.Join(",", byAccuracy.Rows.Select(r => r.Id)));
        var byLr = await search.SearchAsync(null, "params.lr", descending: false, 0, 100);
        Assert.Equal("a,b,c,d", string.Join(",", byLr.Rows.Select(r => r.Id)));
        var byTask = await search.SearchAsync(null, "params.task", descending: true, 0, 100);
        Assert.Equal("c,b,a,d", string.Join(",", byTask.Rows.Select(r => r.Id)));
        var page2 = await search.SearchAsync(null, "id", descending: true, 1, 2);
        Assert.Equal("c,b", string.Join(",", page2.Rows.Select(r => r.Id)));
        Assert.Equal(4, page2.Total);

        var last = await search.LastMetricsAsync(["a", "b"], ["loss", "accuracy@128"]);
        Assert.Equal(1.8, last[("a", "loss")]);
        Assert.False(last.ContainsKey(("b", "nothing")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Search_CountsAllMatches_OnAPartPageAndPastTheLastPage(bool postgres)
    {
        await using var fixture = await SeededAsync(postgres);
        var search = new RunSearch(fixture.Database);
        var last = await search.SearchAsync("workflow ~ t1", "id", descending: false, 2, 2);
        Assert.Equal("c", string.Join(",", last.Rows.Select(r => r.Id)));
        Assert.Equal(3, last.Total);
        var past = await search.SearchAsync("workflow ~ t1", "id", descending: false, 10, 2);
        Assert.Empty(past.Rows);
        Assert.Equal(3, past.Total);
        var none = await search.SearchAsync("workflow = nothing", "id", descending: false, 0, 2);
        Assert.Empty(none.Rows);
        Assert.Equal(0, none.Total);
    }

    /// <summary>
    /// a: t1-tiny, succeeded, lr 0.0005, acc 0.4, loss 2.0 → 1.8 (last), tag team=ml, note "best so far", 12:00–12:01;
    /// b: t1-tiny, failed, lr 0.002, acc 0.5, loss 1.2, started by alice, 13:00–13:05; c: t1-small, running, task linear,
    /// seed "7" (a string), 2026-11-30 15:00; d: other, succeeded, fast true, no metrics, 2026-12-01.
    /// </summary>
    private static async Task<SearchDb> SeededAsync(bool postgres)
    {
        var fixture = await SearchDb.CreateAsync(postgres);
        await using var db = fixture.Database.Create();
        db.Runs.AddRange(
            Run("a", "t1-tiny", RunStatus.Succeeded, T0, T0.AddMinutes(1), """{"lr": 0.0005, "task": "countdown", "seed": 1}""", note: "best so far"),
            Run("b", "t1-tiny", RunStatus.Failed, T0.AddHours(1), T0.AddHours(1).AddMinutes(5), """{"lr": 0.002, "task": "countdown", "seed": 2}""", by: "alice"),
            Run("c", "t1-small", RunStatus.Running, T0.AddHours(3), null, """{"lr": 0.01, "task": "linear", "seed": "7"}"""),
            Run("d", "other", RunStatus.Succeeded, T0.AddDays(1), T0.AddDays(1).AddSeconds(10), """{"fast": true}"""));
        await db.SaveChangesAsync();
        var steps = new[] { "a", "b" }.Select(id => new StepRunRecord { RunId = id, StepId = "s", StepType = "sleep", Queue = "cpu" }).ToList();
        db.StepRuns.AddRange(steps);
        await db.SaveChangesAsync();
        db.Metrics.AddRange(
            Metric(steps[0], "loss", 1, 2.0), Metric(steps[0], "loss", 2, 1.8), Metric(steps[0], "accuracy@128", 128, 0.4),
            Metric(steps[1], "loss", 1, 1.2), Metric(steps[1], "accuracy@128", 128, 0.5));
        db.RunTags.Add(new RunTagRecord { RunId = "a", Key = "team", Value = "ml", CreatedAt = T0 });
        db.RunTags.Add(new RunTagRecord { RunId = "b", Key = "team", Value = "infra", CreatedAt = T0 });
        await db.SaveChangesAsync();
        return fixture;
    }

    private static RunRecord Run(string id, string workflow, RunStatus status, DateTime created, DateTime? finished, string @params,
        string? note = null, string? by = null) => new()
    {
        Id = id, WorkflowName = workflow, DefinitionVersion = 1, Status = status, Trigger = RunTrigger.Cli, ParamsJson = @params,
        CreatedAt = created, FinishedAt = finished, Note = note, StartedBy = by,
    };

    private static MetricRecord Metric(StepRunRecord step, string key, long at, double value) => new()
    {
        StepRunId = step.Id, RunId = step.RunId, Key = key, Step = at, Value = value, Time = T0,
    };
}
