using System.Net;
using System.Net.Http.Headers;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Portal.Artifacts;

/// <summary>
/// The artifact page when the store no longer has the bytes a run recorded (deleted from the store, or the store
/// configuration points elsewhere): the page names the missing blob instead of answering 500.
/// </summary>
public sealed class ArtifactPageTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(requireLogin: false);
        _http = _server.Client();
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task FileArtifact_WhoseBytesAreNotInTheStore_PreviewSaysSo_InsteadOf500()
    {
        var sha = new string('a', 64);
        await using (var db = _server.Get<DatabaseFactory>().Create())
        {
            var now = DateTime.UtcNow;
            db.Runs.Add(new RunRecord { Id = "missingbytes01", WorkflowName = "t1-tiny", DefinitionVersion = 1, Status = RunStatus.Succeeded, Trigger = RunTrigger.Api, ParamsJson = "{}", CreatedAt = now, FinishedAt = now });
            db.Artifacts.Add(new ArtifactRecord { RunId = "missingbytes01", StepId = "synth", Name = "dataset", Sha256 = sha, Layout = "file", Kind = "dataset", Size = 10, CreatedAt = now });
            await db.SaveChangesAsync();
        }

        var response = await _http.GetAsync($"/artifacts/{sha}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("output <b>dataset</b> of step <b>synth</b> in run", html);
        Assert.Contains($"artifact {sha} is not in the artifact store at {_server.Get<ArtifactStore>().Location}; it may have been deleted, or the store configuration points elsewhere (check T1__Artifacts__*).", html);
    }

    [Fact]
    public async Task Checkpoint_WhoseConfigIsNotInTheStore_OverviewSaysSo_InsteadOf500()
    {
        var run = await ArtifactRunFixture.StoreAsync(_server, "missingbytes02");
        var store = _server.Get<ArtifactStore>();
        var config = ArtifactManifest.TryParse(await store.ReadAllBytesAsync(run.Checkpoint))!.Files.Single(f => f.Path == "config.json");
        await store.DeleteAsync(config.Sha256);

        var response = await _http.GetAsync($"/artifacts/{run.Checkpoint}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains($"artifact {config.Sha256} is not in the artifact store at {store.Location}; it may have been deleted, or the store configuration points elsewhere (check T1__Artifacts__*).", html);
    }
}
