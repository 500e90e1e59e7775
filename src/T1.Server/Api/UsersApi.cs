using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Auth;
using T1.Server.Security;
using T1.Storage.Database;

namespace T1.Server.Api;

/// <summary>
/// Users: <c>GET /api/me</c> and a user's own password change for everyone signed in; for admins list, create, disable,
/// enable, delete and change role. Account changes are refused while the server runs open (<see cref="OpenModeFilter"/>).
/// </summary>
public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", (HttpContext context) =>
            Results.Ok(new MeView(context.User.Identity?.Name, Roles.Highest(context.User))))
            .RequireAuthorization(Roles.Viewer)
            .Doc(ApiDocs.Users, "Who the caller is and their highest role").Produces<MeView>();

        app.MapPost("/api/me/password", ChangeOwnPasswordAsync).RequireAuthorization(Roles.Viewer)
            .Doc(ApiDocs.Users, "Change the caller's own password (ends their other sessions)", 400, 409);

        var users = app.MapGroup("/api/users").RequireAuthorization(Roles.Admin);
        users.MapGet("/", async (AccountStore accounts, CancellationToken ct) => (await accounts.ListUsersAsync(ct)).Select(UserView.From))
            .Doc(ApiDocs.Users, "List users (admin)").Produces<IEnumerable<UserView>>();
        var changes = app.MapGroup("/api/users").RequireAuthorization(Roles.Admin).AddEndpointFilter<OpenModeFilter>();
        changes.MapPost("/", async (CreateUserRequest body, AccountStore accounts, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name) || !Roles.IsValid(body.Role) || (body.Password ?? "").Length < 8)
                return ApiErrors.Problem("Bad user request", $"send {{\"name\": \"…\", \"password\": \"at least 8 characters\", \"role\": \"{string.Join("|", Roles.All)}\"}}.");
            try
            {
                var u = await accounts.CreateUserAsync(body.Name, body.Password!, body.Role!, ct);
                return Results.Created($"/api/users/{u.Id}", UserView.From(u));
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                return ApiErrors.Problem("User exists", $"there is already a user '{body.Name}'.", StatusCodes.Status409Conflict);
            }
        }).Doc(ApiDocs.Users, "Create a user (admin)", 400, 409).Produces<UserView>(StatusCodes.Status201Created);
        changes.MapPost("/{name}/disable", (string name, UserAdministration admin, CancellationToken ct) => Change(() => admin.DisableAsync(name, ct)))
            .Doc(ApiDocs.Users, "Disable a user (admin)", 404, 409).Produces<UserView>();
        changes.MapPost("/{name}/enable", (string name, UserAdministration admin, CancellationToken ct) => Change(() => admin.EnableAsync(name, ct)))
            .Doc(ApiDocs.Users, "Enable a user (admin)", 404, 409).Produces<UserView>();
        changes.MapPost("/{name}/role", (string name, SetRoleRequest body, UserAdministration admin, CancellationToken ct) =>
            Roles.IsValid(body.Role) ? Change(() => admin.SetRoleAsync(name, body.Role!, ct))
            : Task.FromResult(ApiErrors.Problem("Bad role", $"send {{\"role\": \"{string.Join("|", Roles.All)}\"}}.")))
            .Doc(ApiDocs.Users, "Set a user's role (admin)", 400, 404, 409).Produces<UserView>();
        changes.MapDelete("/{name}", async (string name, UserAdministration admin, CancellationToken ct) =>
        {
            try
            {
                await admin.DeleteAsync(name, ct);
                return Results.NoContent();
            }
            catch (AccountException e) { return Refused(e); }
        }).Doc(ApiDocs.Users, "Delete a user (admin)", 404, 409).Produces(StatusCodes.Status204NoContent);
    }

    /// <summary>A user's own password change: the current password is checked like a sign-in (lockout included); the caller's
    /// session is renewed with the new stamp, the user's other sessions end.</summary>
    private static async Task<IResult> ChangeOwnPasswordAsync(ChangePasswordRequest body, HttpContext context, SignInGuard guard, AccountStore accounts, CancellationToken ct)
    {
        if (context.User.Identity?.Name is not { } name || context.User.Identity.AuthenticationType != AccessSetup.CookieScheme)
            return ApiErrors.Problem("Not a signed-in user", "only a user signed in to the portal has a password; API keys and the open loopback mode do not.", StatusCodes.Status409Conflict);
        if ((body.Password ?? "").Length < 8) return ApiErrors.Problem("Password too short", "a password needs at least 8 characters.");
        var check = await guard.CheckAsync(name, body.Current ?? "", ClientAddress.Of(context), ct);
        if (check.User is null)
            return check.Outcome == SignInOutcome.Locked
                ? ApiErrors.Problem("Account locked", $"too many wrong passwords; try again after {check.LockedUntil:HH:mm:ss} UTC.", StatusCodes.Status429TooManyRequests)
                : ApiErrors.Problem("Wrong password", "the current password is not right.", StatusCodes.Status403Forbidden);
        var user = await accounts.SetPasswordAsync(name, body.Password!, ct);
        await context.SignInAsync(AccessSetup.CookieScheme, SessionStamp.Principal(user));
        return Results.NoContent();
    }

    private static async Task<IResult> Change(Func<Task<UserRecord>> change)
    {
        try { return Results.Ok(UserView.From(await change())); }
        catch (AccountException e) { return Refused(e); }
    }

    private static IResult Refused(AccountException e) => e.NotFound
        ? ApiErrors.Problem("User not found", e.Message, StatusCodes.Status404NotFound)
        : ApiErrors.Problem("Account change refused", e.Message, StatusCodes.Status409Conflict);
}

public sealed record CreateUserRequest(string? Name, string? Password, string? Role);

public sealed record SetRoleRequest(string? Role);

/// <summary>The caller: name and highest role.</summary>
public sealed record MeView(string? Name, string? Role);

public sealed record ChangePasswordRequest(string? Current, string? Password);

/// <summary>A portal user as listed (never the password hash or the security stamp).</summary>
public sealed record UserView(long Id, string Name, string Role, DateTime CreatedAt, bool Disabled, DateTime? LockedUntil)
{
    public static UserView From(UserRecord u) => new(u.Id, u.Name, u.Role, u.CreatedAt, u.DisabledAt is not null,
        u.LockedUntil > DateTime.UtcNow ? u.LockedUntil : null);
}
