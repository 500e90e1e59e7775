using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using T1.Server.Security;

namespace T1.Server.Auth;

/// <summary>
/// Signs a script in by the key in its <c>X-Api-Key</c> header (or <c>Authorization: Bearer t1_…</c>). A client address
/// that sent <see cref="AuthOptions.ApiKeyFailuresPerMinute"/> unknown or revoked keys gets 429 for every key until
/// its minute is over (the right key included, so that guessing cannot go on).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AccountStore accounts, FailureCounter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "apikey";
    public const string Header = "X-Api-Key";
    private DateTimeOffset? _blockedUntil;

    /// <summary>The key the request carries, or null.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        if (request.Headers[Header].FirstOrDefault() is { Length: > 0 } key) return key.Trim();
        var auth = request.Headers.Authorization.FirstOrDefault();
        return auth is not null && auth.StartsWith("Bearer " + AccountStore.KeyPrefix, StringComparison.Ordinal) ? auth["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = KeyOf(Request);
        if (key is null) return AuthenticateResult.NoResult();
        var client = ClientAddress.Of(Context);
        _blockedUntil = failures.BlockedUntil(client);
        if (_blockedUntil is not null) return AuthenticateResult.Fail("too many unknown API keys from this address");
        var record = await accounts.FindKeyAsync(key, Context.RequestAborted);
        if (record is null)
        {
            failures.Add(client);
            Logger.LogWarning("unknown or revoked API key {Prefix}… from {Client}", key.Length > 12 ? key[..12] : key, client);
            return AuthenticateResult.Fail("unknown or revoked API key");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(Roles.Principal("key:" + record.Name, record.Role, SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedUntil is { } until)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((until - TimeProvider.System.GetUtcNow()).TotalSeconds));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Response.WriteAsync($"too many requests with unknown or revoked API keys from {ClientAddress.Of(Context)}; try again in {seconds} s.");
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{Header}\"";
    }
}
