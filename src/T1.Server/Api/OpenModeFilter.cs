using Microsoft.AspNetCore.Http;
using T1.Server.Auth;

namespace T1.Server.Api;

/// <summary>
/// Refuses account changes (users, API keys) while the server runs open: in open mode every local page and process
/// acts as admin, and a credential made then would outlive the mode. The CLI (`t1 users`, `t1 keys`) still can.
/// </summary>
internal sealed class OpenModeFilter(AccessMode mode) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        mode.Open
            ? ApiErrors.Problem("Not while open", "this server runs open (no sign-in), so it does not create or change users or API keys over HTTP: "
                + "anything made now would outlive the open mode. Use the CLI (`t1 keys create NAME --role R`, `t1 users …`) or start the server with sign-in required.",
                StatusCodes.Status403Forbidden)
            : await next(context);
}
