using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using T1.Storage.Database;

namespace T1.Server.Auth;

/// <summary>
/// Ties a portal session to the user's security stamp: the cookie carries the stamp it was issued with, and every
/// request checks it against the database, so disabling, deleting, a role change or a password change ends the
/// user's sessions at their next request (also those on other servers, and changes made by `t1 users`).
/// </summary>
public static class SessionStamp
{
    public const string ClaimType = "t1:stamp";

    /// <summary>The principal of a signed-in user, stamped.</summary>
    public static ClaimsPrincipal Principal(UserRecord user)
    {
        var principal = Roles.Principal(user.Name, user.Role, AccessSetup.CookieScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(ClaimType, user.SecurityStamp));
        return principal;
    }

    /// <summary>True while the user exists, is enabled and has the stamp the principal carries.</summary>
    public static async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, AccountStore accounts, CancellationToken ct)
    {
        var name = principal.Identity?.Name;
        var stamp = principal.FindFirst(ClaimType)?.Value;
        if (name is null || string.IsNullOrEmpty(stamp)) return false;
        var user = await accounts.FindUserAsync(name, ct);
        return user is not null && user.DisabledAt is null && user.SecurityStamp == stamp;
    }

    /// <summary>Cookie event: ends a session whose stamp is no longer current.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null) return;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
        if (await IsCurrentAsync(context.Principal, accounts, context.HttpContext.RequestAborted)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AccessSetup.CookieScheme);
    }
}
