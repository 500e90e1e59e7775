using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace T1.Server.Auth;

/// <summary>
/// An open portal page (a Blazor circuit) makes no HTTP requests, so it re-checks the security stamp every few
/// seconds instead: a disabled, deleted, re-roled or re-passworded user's pages fall back to signed-out.
/// </summary>
internal sealed class StampRevalidatingStateProvider(ILoggerFactory loggerFactory, AccountStore accounts)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(5);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken) =>
        state.User.Identity is { IsAuthenticated: true, AuthenticationType: AccessSetup.CookieScheme }
            ? SessionStamp.IsCurrentAsync(state.User, accounts, cancellationToken)
            : Task.FromResult(true);
}
