using System.Security.Claims;

namespace T1.Server.Auth;

/// <summary>
/// The three roles, each including the ones below it: viewer (read), operator (run, cancel, resume,
/// schedules), admin (publish workflows, promote models manually, manage keys). The role names are also
/// the authorization policy names.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    public static bool IsValid(string? role) => role is Viewer or Operator or Admin;

    /// <summary>The role and every role it includes (an admin is also operator and viewer).</summary>
    public static IEnumerable<string> Expand(string role) => role switch
    {
        Admin => [Admin, Operator, Viewer],
        Operator => [Operator, Viewer],
        Viewer => [Viewer],
        _ => [],
    };

    public static ClaimsPrincipal Principal(string name, string role, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(Expand(role).Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The highest role the principal holds, or null.</summary>
    public static string? Highest(ClaimsPrincipal user) =>
        user.IsInRole(Admin) ? Admin : user.IsInRole(Operator) ? Operator : user.IsInRole(Viewer) ? Viewer : null;
}
