using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Auth;
using T1.Server.Portal;
using T1.Server.Portal.Search;
using T1.Storage.Database;

namespace T1.Server.Api;

/// <summary><c>GET /api/runs</c> with the runs search language and any sort column, and the tags and note people keep on a run.</summary>
public static class RunSearchApi
{
    public const string TotalHeader = "X-Total-Count";

    public static void MapRunSearchApi(this RouteGroupBuilder api)
    {
        api.MapGet("/runs", ListAsync)
            .Doc(ApiDocs.Runs, "List runs, newest first; q searches (e.g. params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded), "
                + "sort orders by any field (order=asc|desc); X-Total-Count tells how many match", 400)
            .Produces<IEnumerable<RunView>>();

        api.MapGet("/runs/{id}/tags", async (string id, RunAnnotations notes, CancellationToken ct) =>
            Results.Ok((await notes.TagsAsync(id, ct)).ToDictionary(t => t.Key, t => t.Value)))
            .Doc(ApiDocs.Runs, "A run's tags as an object of name → value").Produces<Dictionary<string, string>>();

        api.MapPut("/runs/{id}/tags/{key}", async (string id, string key, TagBody body, HttpContext http, RunAnnotations notes, CancellationToken ct) =>
        {
            if (RunAnnotations.TagProblem(key, body.Value ?? "") is { } problem) return ApiErrors.Problem("Bad tag", problem + ".");
            return await notes.SetTagAsync(id, key, body.Value ?? "", http.User.Identity?.Name ?? "api", ct) ? Results.NoContent() : NotFound(id);
        }).RequireAuthorization(Roles.Operator)
            .Doc(ApiDocs.Runs, "Set a tag of a run (operator); body {\"value\": \"…\"}", 400, 404).Produces(StatusCodes.Status204NoContent);

        api.MapDelete("/runs/{id}/tags/{key}", async (string id, string key, RunAnnotations notes, CancellationToken ct) =>
            await notes.RemoveTagAsync(id, key, ct) ? Results.NoContent()
            : ApiErrors.Problem("Tag not found", $"run '{id}' has no tag '{key}'; GET /api/runs/{id}/tags lists them.", StatusCodes.Status404NotFound))
            .RequireAuthorization(Roles.Operator)
            .Doc(ApiDocs.Runs, "Remove a tag of a run (operator)", 404).Produces(StatusCodes.Status204NoContent);

        api.MapPut("/runs/{id}/note", async (string id, NoteBody body, RunAnnotations notes, CancellationToken ct) =>
        {
            if (body.Note is { Length: > RunAnnotations.MaxNoteLength })
                return ApiErrors.Problem("Note too long", $"the note is {body.Note.Length} characters; at most {RunAnnotations.MaxNoteLength}.");
            return await notes.SetNoteAsync(id, body.Note, ct) ? Results.NoContent() : NotFound(id);
        }).RequireAuthorization(Roles.Operator)
            .Doc(ApiDocs.Runs, "Replace the note of a run (operator); body {\"note\": \"…\"}, blank clears it", 400, 404).Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(HttpResponse response, RunSearch search, int? limit, int? offset, string? workflow, string? status,
        string? q, string? sort, string? order, CancellationToken ct)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(q)) parts.Add($"({q})");
        if (!string.IsNullOrEmpty(workflow)) parts.Add($"workflow = \"{Escape(workflow)}\"");
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return ApiErrors.Problem("Bad status", $"status '{status}' is not one of {string.Join(", ", Enum.GetNames<RunStatus>()).ToLowerInvariant()}.");
            parts.Add($"status = {parsed}");
        }
        if (order is not (null or "asc" or "desc"))
            return ApiErrors.Problem("Bad order", $"order must be 'asc' or 'desc', not '{order}'.");
        try
        {
            // q is checked alone first, so its columns in a message are the columns of what the caller wrote.
            RunSearchParser.Parse(q);
            var page = await search.SearchAsync(string.Join(" and ", parts), sort, descending: order != "asc", Math.Max(0, offset ?? 0),
                Math.Clamp(limit ?? 50, 1, 1000), ct);
            response.Headers[TotalHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Ok(page.Rows.Select(RunView.From));
        }
        catch (SearchSyntaxException e)
        {
            return ApiErrors.Problem("Bad search", e.Message + ". The search language: field op value joined by and/or, e.g. "
                + "params.lr < 0.001 and metrics.accuracy@128 > 0.3 and status = succeeded (README: Runs search).",
                extensions: new[] { new { column = e.Column, message = e.Message } });
        }
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private static IResult NotFound(string id) => ApiErrors.Problem("Run not found", $"there is no run '{id}'; list runs with GET /api/runs.", StatusCodes.Status404NotFound);

    public sealed record TagBody(string? Value);

    public sealed record NoteBody(string? Note);
}
