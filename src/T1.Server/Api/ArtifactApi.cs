using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Portal.Artifacts;
using T1.Storage.Artifacts;
using T1.Workflows.Steps;

namespace T1.Server.Api;

/// <summary>
/// Artifacts over HTTP: a file artifact's bytes, a folder's file list, one file of a folder, a folder as a zip — all
/// streamed from the artifact store (local folder or S3) as they are read.
/// </summary>
public static class ArtifactApi
{
    public const string Tag = "Artifacts";

    public static RouteGroupBuilder MapArtifactApi(this RouteGroupBuilder api)
    {
        api.MapGet("/artifacts/{sha256}", async (string sha256, ArtifactBrowser browser, ArtifactStore store, CancellationToken ct) =>
            {
                if (BadId(sha256) is { } bad) return bad;
                var listing = await browser.OpenAsync(sha256, ct);
                if (listing is { IsFolder: true })
                    return Results.Ok(new ArtifactFolderView(listing.Sha256, listing.Name, listing.Kind, listing.Size,
                        listing.Files.Select(f => new ArtifactFileView(f.Path, f.Sha256, f.Size, FileUrl(sha256, f.Path))).ToList(), $"/api/artifacts/{sha256}/zip"));
                // Any stored blob: a file artifact, or a file inside a folder (by its own sha256, as the folder's list gives it).
                if (!await store.ExistsAsync(sha256, ct)) return NotFound(sha256);
                return Results.Stream(s => store.CopyToAsync(sha256, s, ct), "application/octet-stream", listing?.Name ?? sha256);
            })
            .WithName("GetArtifact").Doc(Tag, "Download a file artifact, or list a folder artifact's files")
            .WithDescription("A file (a file artifact, or a file of a folder by its own sha256) comes back as application/octet-stream; a folder artifact as the JSON list of its files with their download URLs and the URL of the whole folder as a zip.")
            .Produces<ArtifactFolderView>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/artifacts/{sha256}/files/{**path}", async (string sha256, string path, ArtifactBrowser browser, ArtifactStore store, CancellationToken ct) =>
            {
                if (BadId(sha256) is { } bad) return bad;
                if (await browser.OpenAsync(sha256, ct) is not { } listing) return NotFound(sha256);
                if (listing.File(path) is not { } file)
                    return ApiErrors.Problem("File not found", $"artifact {sha256} ({listing.Name}) has no file '{path}'; GET /api/artifacts/{sha256} lists its files.", StatusCodes.Status404NotFound);
                var type = FileTypes.ContentType(file.Path);
                // Images are shown inline by the portal; everything else is a download, never rendered as a page of this site.
                return Results.Stream(s => store.CopyToAsync(file.Sha256, s, ct), type, type.StartsWith("image/", StringComparison.Ordinal) ? null : Path.GetFileName(file.Path));
            })
            .WithName("GetArtifactFile").Doc(Tag, "Download one file of a folder artifact")
            .WithDescription("path is the file's path inside the folder (as GET /api/artifacts/{sha256} lists it). Images are served as image/*, everything else as application/octet-stream.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/artifacts/{sha256}/zip", async (string sha256, HttpContext http, ArtifactBrowser browser, ArtifactStore store, CancellationToken ct) =>
            {
                if (BadId(sha256) is { } bad) return bad;
                if (await browser.OpenAsync(sha256, ct) is not { } listing) return NotFound(sha256);
                // The file data goes out with WriteAsync, but a zip entry's deflate stream writes its last block in a
                // synchronous Dispose (no async override in .NET 10): allow those few small writes on this request.
                if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
                return Results.Stream(s => ArtifactZip.WriteAsync(listing, store, s, ct), "application/zip", ArtifactZip.FileName(listing));
            })
            .WithName("GetArtifactZip").Doc(Tag, "Download an artifact (a folder's files) as a zip, streamed")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The download URL of a file inside a folder artifact (path segments escaped, '/' kept).</summary>
    public static string FileUrl(string sha256, string path) =>
        $"/api/artifacts/{sha256}/files/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    private static IResult? BadId(string sha256) => ArtifactRef.TryParse(ArtifactRef.Prefix + sha256, out _)
        ? null
        : ApiErrors.Problem("Bad artifact id", $"'{sha256}' is not 64 lowercase hex digits.");

    // Not the store's message: it names where the store lives (a server path or bucket).
    private static IResult NotFound(string sha256) => ApiErrors.Problem("Artifact not found",
        $"there is no artifact {sha256} in this server's artifact store; artifacts of a run are listed by GET /api/runs/{{id}}.", StatusCodes.Status404NotFound);
}

/// <summary>A folder artifact: its files (path inside the folder, sha256, size, download URL) and the URL of the whole folder as a zip.</summary>
public sealed record ArtifactFolderView(string Sha256, string Name, string Kind, long Size, IReadOnlyList<ArtifactFileView> Files, string Zip);

/// <summary>One file of a folder artifact.</summary>
public sealed record ArtifactFileView(string Path, string Sha256, long Size, string Url);
