using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using T1.Server.Auth;
using T1.Server.Portal;
using T1.Server.Portal.Search;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;
using RunsPage = T1.Server.Portal.Pages.Runs;

namespace T1.Server.Tests.Portal.Search;

/// <summary>
/// The runs page rendered with bUnit over the real app's services: a search from the address (q, sort) filters the
/// table, and one that cannot be read shows the parser's message where the table was — the page never fails.
/// </summary>
public sealed class RunsPageSearchTests : IAsyncLifetime
{
    private PortalServer _server = null!;

    /// <summary>Loose: the page reads the remembered columns from localStorage, which bUnit has no browser for.</summary>
    private readonly BunitContext _ctx = new() { JSInterop = { Mode = JSRuntimeMode.Loose } };

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(requireLogin: false);
        _ctx.AddAuthorization().SetAuthorized("ann").SetRoles(Roles.Viewer); // a viewer: the page's operator controls stay away
        foreach (var service in new[] { typeof(RunSearch), typeof(PortalQueries), typeof(DefinitionStore), typeof(WorkflowEngine) })
            _ctx.Services.AddSingleton(service, _server.App.Services.GetRequiredService(service));
        _ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // as the page runs: interactive server
        var now = DateTime.UtcNow;
        await using var db = _server.Get<DatabaseFactory>().Create();
        foreach (var (id, who, status) in new[] { ("searchpage01", "ann", RunStatus.Succeeded), ("searchpage02", "bob", RunStatus.Failed) })
            db.Runs.Add(new RunRecord
            {
                Id = id, WorkflowName = "hello", DefinitionVersion = 1, Status = status, Trigger = RunTrigger.Api,
                ParamsJson = $$"""{"who": "{{who}}", "lr": 0.001}""", CreatedAt = now, FinishedAt = now,
            });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>The page at <c>/runs?q=…&amp;sort=…</c>, as a link or the search box puts it in the address.</summary>
    private IRenderedComponent<RunsPage> Open(string query, string? sort)
    {
        _ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(
            "runs?q=" + Uri.EscapeDataString(query) + (sort is null ? "" : "&sort=" + Uri.EscapeDataString(sort)));
        return _ctx.Render<RunsPage>();
    }

    [Fact]
    public void Search_FromTheAddress_FiltersTheTable()
    {
        var page = Open("params.who in (bob, carol) and status = failed", null);

        page.WaitForAssertion(() => Assert.Equal(["searchpage02"], page.FindAll("table.runs tbody tr").Select(r => r.GetAttribute("data-run"))), TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("#search-error"));
        Assert.Equal("1–1 of 1 runs", page.Find("#runs-count").TextContent);
    }

    [Theory]
    [InlineData("params.lr <", null, "search, column 12: expected a value after params.lr <, found the end of the query")]
    [InlineData("status = fast", null, "search, column 10: 'fast' is not a status; statuses are running, succeeded, failed, cancelled, interrupted")]
    [InlineData("workflow ~ \"t1", null, "search, column 12: the string opened here has no closing \"")]
    [InlineData("", "parms.lr", "search, column 1: unknown field 'parms.lr'; fields are id, workflow, version, status, trigger, started_by, note, created, finished, duration, params.NAME, metrics.NAME, tags.NAME")]
    public void BadQueryOrSort_ShowsTheParsersMessage_AndAnEmptyTable(string query, string? sort, string message)
    {
        var page = Open(query, sort);

        page.WaitForAssertion(() => Assert.Equal(message, page.Find("#search-error").TextContent), TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("table.runs tbody tr[data-run]"));
    }
}
