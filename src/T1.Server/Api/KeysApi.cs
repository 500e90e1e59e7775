using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Auth;
using T1.Storage.Database;

namespace T1.Server.Api;

/// <summary>Accounts: API keys and users (admin only), <c>GET /api/me</c> (who the caller is) and a user's own password change.</summary>
public static class KeysApi
{
    public static void MapKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", (HttpContext context) =>
            Results.Ok(new { name = context.User.Identity?.Name, role = Roles.Highest(context.User) }))
            .RequireAuthorization(Roles.Viewer);

        app.MapPost("/api/me/password", async (ChangePasswordRequest body, HttpContext context, AccountStore accounts, CancellationToken ct) =>
            context.User.Identity?.Name is not { } name || context.User.Identity.AuthenticationType != AccessSetup.CookieScheme
                ? ApiErrors.Problem("Not a signed-in user", "only a user signed in to the portal has a password; API keys and the open loopback mode do not.", StatusCodes.Status409Conflict)
                : await accounts.ChangePasswordAsync(name, body.Current ?? "", body.Password ?? "", ct) ? Results.NoContent()
                : ApiErrors.Problem("Wrong password", "the current password is not right.", StatusCodes.Status403Forbidden))
            .RequireAuthorization(Roles.Viewer);

        var users = app.MapGroup("/api/users").RequireAuthorization(Roles.Admin);
        users.MapGet("/", async (AccountStore accounts, CancellationToken ct) =>
            (await accounts.ListUsersAsync(ct)).Select(u => new UserView(u.Id, u.Name, u.Role, u.CreatedAt)));
        users.MapPost("/", async (CreateUserRequest body, AccountStore accounts, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || !Roles.IsValid(body.Role) || (body.Password ?? "").Length < 8)
                return ApiErrors.Problem("Bad user request", $"send {{\"name\": \"…\", \"password\": \"at least 8 characters\", \"role\": \"{string.Join("|", Roles.All)}\"}}.");
            try
            {
                var u = await accounts.CreateUserAsync(body.Name, body.Password!, body.Role!, ct);
                return Results.Created($"/api/users/{u.Id}", new UserView(u.Id, u.Name, u.Role, u.CreatedAt));
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                return ApiErrors.Problem("User exists", $"there is already a user '{body.Name}'.", StatusCodes.Status409Conflict);
            }
        });

        var keys = app.MapGroup("/api/keys").RequireAuthorization(Roles.Admin);
        keys.MapGet("/", async (AccountStore accounts, CancellationToken ct) => (await accounts.ListKeysAsync(ct)).Select(ApiKeyView.From));
        keys.MapPost("/", async (CreateKeyRequest body, HttpContext context, AccountStore accounts, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || !Roles.IsValid(body.Role))
                return ApiErrors.Problem("Bad key request", $"send {{\"name\": \"<who uses it>\", \"role\": \"{string.Join("|", Roles.All)}\"}}.");
            var (record, key) = await accounts.CreateKeyAsync(body.Name, body.Role!, context.User.Identity?.Name ?? "", ct);
            return Results.Created($"/api/keys/{record.Id}", new CreatedKeyView(ApiKeyView.From(record), key));
        });
        keys.MapDelete("/{id:long}", async (long id, AccountStore accounts, CancellationToken ct) =>
            await accounts.RevokeKeyAsync(id, ct) ? Results.NoContent()
            : ApiErrors.Problem("Key not found", $"there is no active API key {id}; list keys with GET /api/keys.", StatusCodes.Status404NotFound));
    }
}

public sealed record CreateKeyRequest(string? Name, string? Role);

public sealed record CreateUserRequest(string? Name, string? Password, string? Role);

public sealed record ChangePasswordRequest(string? Current, string? Password);

/// <summary>A portal user as listed (never the password hash).</summary>
public sealed record UserView(long Id, string Name, string Role, DateTime CreatedAt);

/// <summary>An API key as listed: never the key itself, only its first characters.</summary>
public sealed record ApiKeyView(long Id, string Name, string Prefix, string Role, string CreatedBy, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt)
{
    public static ApiKeyView From(ApiKeyRecord k) => new(k.Id, k.Name, k.Prefix, k.Role, k.CreatedBy, k.CreatedAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>The answer to creating a key: the only time the key is shown.</summary>
public sealed record CreatedKeyView(ApiKeyView Info, string Key);
