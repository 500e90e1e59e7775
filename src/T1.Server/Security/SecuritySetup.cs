using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using T1.Server.Auth;

namespace T1.Server.Security;

/// <summary>
/// What stands before every endpoint: trusted proxies' forwarded headers (sign-in mode only), the host check, the
/// cross-site check and the per-address sign-in limit. README "Security" describes it for users.
/// </summary>
public static class SecuritySetup
{
    /// <summary>Name of the rate-limiting policy of <c>POST /account/login</c>.</summary>
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddT1Security(this IServiceCollection services, AuthOptions options, AccessMode mode)
    {
        var allowed = new AllowedHosts(options.AllowedHosts);
        services.AddSingleton(allowed);
        services.AddSingleton(new FailureCounter(options.ApiKeyFailuresPerMinute));
        if (!mode.Open)
        {
            services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                o.KnownProxies.Add(IPAddress.Loopback);
                o.KnownProxies.Add(IPAddress.IPv6Loopback);
                foreach (var proxy in Split(options.TrustedProxies))
                {
                    if (proxy.Contains('/', StringComparison.Ordinal)) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                    else o.KnownProxies.Add(IPAddress.Parse(proxy));
                }
                if (allowed.HostPatterns is { } hosts) o.AllowedHosts = hosts.ToList();
            });
        }
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, options.SignInAttemptsPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            }));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var client = ClientAddress.Of(http);
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInGuard))
                    .LogWarning("sign-in refused from {Client}: more than {Limit} attempts a minute from this address", client, options.SignInAttemptsPerMinute);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = "60";
                await http.Response.WriteAsync($"too many sign-in attempts from {client} (at most {options.SignInAttemptsPerMinute} a minute); wait a minute and try again.", ct);
            };
        });
        return services;
    }

    /// <summary>First in the pipeline: forwarded headers, host check, cross-site check; then the rate limiter.</summary>
    public static void UseT1Security(this WebApplication app, AccessMode mode)
    {
        if (!mode.Open) app.UseForwardedHeaders();
        app.UseMiddleware<HostGuard>();
        app.UseMiddleware<CrossSiteGuard>();
        app.UseRateLimiter();
    }

    /// <summary>Checks the settings once at start-up, with messages that say which setting is wrong.</summary>
    public static void Validate(AuthOptions options)
    {
        foreach (var proxy in Split(options.TrustedProxies))
        {
            var ok = proxy.Contains('/', StringComparison.Ordinal) ? System.Net.IPNetwork.TryParse(proxy, out _) : IPAddress.TryParse(proxy, out _);
            if (!ok) throw new InvalidOperationException($"T1:Auth:TrustedProxies: '{proxy}' is neither an IP address nor a network such as 10.0.0.0/8.");
        }
    }

    private static string[] Split(string setting) =>
        setting.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
