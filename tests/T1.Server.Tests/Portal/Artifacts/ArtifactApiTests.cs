using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;

namespace T1.Server.Tests.Portal.Artifacts;

/// <summary>Folder artifacts over HTTP: their file list, one file, the whole folder as a zip (real server, embedded store).</summary>
public sealed class ArtifactApiTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private HttpClient _http = null!;
    private ArtifactRunFixture.Stored _run = null!;

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync();
        _http = _server.Client(await _server.KeyAsync(Roles.Viewer));
        _run = await ArtifactRunFixture.StoreAsync(_server, "artifactapi01");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task FolderArtifact_ListsItsFiles_WithDownloadUrls_InsteadOf409()
    {
        var response = await _http.GetAsync($"/api/artifacts/{_run.Checkpoint}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var folder = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("checkpoint", folder["name"]!.GetValue<string>());
        var files = folder["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(["config.json", "model.safetensors", "tokenizer/merges.txt"], files);
        Assert.Equal($"/api/artifacts/{_run.Checkpoint}/files/tokenizer/merges.txt", folder["files"]![2]!["url"]!.GetValue<string>());
        Assert.Equal($"/api/artifacts/{_run.Checkpoint}/zip", folder["zip"]!.GetValue<string>());
    }

    [Fact]
    public async Task FileOfAFolder_IsADownload_AndAnImageIsServedAsAnImage()
    {
        var weights = await _http.GetAsync($"/api/artifacts/{_run.Checkpoint}/files/model.safetensors");
        Assert.Equal(HttpStatusCode.OK, weights.StatusCode);
        Assert.Equal("application/octet-stream", weights.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", weights.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(ArtifactRunFixture.Safetensors(ArtifactRunFixture.Tensors), await weights.Content.ReadAsByteArrayAsync());

        var chart = await _http.GetAsync($"/api/artifacts/{_run.Report}/files/budget_curve.png");
        Assert.Equal("image/png", chart.Content.Headers.ContentType!.MediaType);
        Assert.Null(chart.Content.Headers.ContentDisposition);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await chart.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task Zip_HoldsEveryFileOfTheFolder_WithItsBytes()
    {
        var response = await _http.GetAsync($"/api/artifacts/{_run.Checkpoint}/zip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"checkpoint-{_run.Checkpoint[..12]}.zip", response.Content.Headers.ContentDisposition!.FileName);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["config.json", "model.safetensors", "tokenizer/merges.txt"], zip.Entries.Select(e => e.FullName));
        using var merges = new StreamReader(zip.GetEntry("tokenizer/merges.txt")!.Open());
        Assert.Equal("#version: 0.2\nh e\nhe llo\n", await merges.ReadToEndAsync());
        using var weights = new MemoryStream();
        await zip.GetEntry("model.safetensors")!.Open().CopyToAsync(weights);
        Assert.Equal(ArtifactRunFixture.Safetensors(ArtifactRunFixture.Tensors), weights.ToArray());
    }

    [Fact]
    public async Task MissingFile_Gets404_NamingTheArtifactAndWhereItsFilesAreListed()
    {
        var response = await _http.GetAsync($"/api/artifacts/{_run.Checkpoint}/files/nope.bin");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"artifact {_run.Checkpoint} (checkpoint) has no file 'nope.bin'; GET /api/artifacts/{_run.Checkpoint} lists its files.", problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/artifacts/{new string('0', 64)}/zip")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/api/artifacts/nothex/zip")).StatusCode);
    }
}
