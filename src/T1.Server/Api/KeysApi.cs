using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Auth;
using T1.Storage.Database;

namespace T1.Server.Api;

/// <summary>API keys (admin only): list, create, revoke. Creating is refused while the server runs open (see <see cref="OpenModeFilter"/>).</summary>
public static class KeysApi
{
    public static void MapKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/keys").RequireAuthorization(Roles.Admin);
        keys.MapGet("/", async (AccountStore accounts, CancellationToken ct) => (await accounts.ListKeysAsync(ct)).Select(ApiKeyView.From))
            .Doc(ApiDocs.Keys, "List API keys (never the keys themselves)").Produces<IEnumerable<ApiKeyView>>();
        keys.MapPost("/", async (CreateKeyRequest body, HttpContext context, AccountStore accounts, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || !Roles.IsValid(body.Role))
                return ApiErrors.Problem("Bad key request", $"send {{\"name\": \"<who uses it>\", \"role\": \"{string.Join("|", Roles.All)}\"}}.");
            var (record, key) = await accounts.CreateKeyAsync(body.Name, body.Role!, context.User.Identity?.Name ?? "", ct);
            return Results.Created($"/api/keys/{record.Id}", new CreatedKeyView(ApiKeyView.From(record), key));
        }).AddEndpointFilter<OpenModeFilter>()
            .Doc(ApiDocs.Keys, "Create an API key of a role; the key is shown only in this answer", 400, 409).Produces<CreatedKeyView>(StatusCodes.Status201Created);
        keys.MapDelete("/{id:long}", async (long id, AccountStore accounts, CancellationToken ct) =>
            await accounts.RevokeKeyAsync(id, ct) ? Results.NoContent()
            : ApiErrors.Problem("Key not found", $"there is no active API key {id}; list keys with GET /api/keys.", StatusCodes.Status404NotFound))
            .AddEndpointFilter<OpenModeFilter>()
            .Doc(ApiDocs.Keys, "Revoke an API key", 404, 409).Produces(StatusCodes.Status204NoContent);
    }
}

public sealed record CreateKeyRequest(string? Name, string? Role);

/// <summary>An API key as listed: never the key itself, only its first characters.</summary>
public sealed record ApiKeyView(long Id, string Name, string Prefix, string Role, string CreatedBy, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt)
{
    public static ApiKeyView From(ApiKeyRecord k) => new(k.Id, k.Name, k.Prefix, k.Role, k.CreatedBy, k.CreatedAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>The answer to creating a key: the only time the key is shown.</summary>
public sealed record CreatedKeyView(ApiKeyView Info, string Key);
