using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using T1.Server.Hosting;
using T1.Server.Security;

namespace T1.Server.Auth;

/// <summary>Authentication (cookie for the portal, API key for scripts, or open on loopback), role policies, sign-in/out.</summary>
public static class AccessSetup
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    private const string Selector = "t1";

    public static IServiceCollection AddT1Access(this IServiceCollection services, T1Options options, AccessMode mode)
    {
        services.AddSingleton(mode);
        services.AddSingleton(options.Auth);
        services.AddSingleton(new AccessStatus(mode));
        services.AddSingleton<AccountStore>();
        services.AddSingleton<SignInGuard>();
        services.AddSingleton<UserAdministration>();
        services.AddHostedService<FirstAdminService>();
        SecuritySetup.Validate(options.Auth);
        services.AddT1Security(options.Auth, mode);

        var auth = services.AddAuthentication(mode.Open ? OpenAccessHandler.SchemeName : Selector);
        if (mode.Open)
        {
            auth.AddScheme<AuthenticationSchemeOptions, OpenAccessHandler>(OpenAccessHandler.SchemeName, null);
        }
        else
        {
            auth.AddPolicyScheme(Selector, "cookie or API key", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.KeyOf(context.Request) is null ? CookieScheme : ApiKeyAuthenticationHandler.SchemeName);
            auth.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
            auth.AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "t1.auth";
                o.Cookie.HttpOnly = true;
                // Strict: no cross-site request carries the cookie, so the cookie-authenticated API cannot be forged from elsewhere.
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request is HTTPS (also behind a TLS proxy: X-Forwarded-Proto from a trusted proxy).
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized, redirect: true);
                o.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden, redirect: false);
                o.Events.OnValidatePrincipal = SessionStamp.ValidateAsync;
            });
            // Open portal pages re-check the stamp too (a Blazor circuit makes no further HTTP requests).
            services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, StampRevalidatingStateProvider>();
        }
        services.AddAuthorization(o =>
        {
            foreach (var role in Roles.All) o.AddPolicy(role, p => p.RequireRole(role));
            // Everything needs at least a viewer unless it says otherwise (login page, health, scripts, OpenAPI).
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireRole(Roles.Viewer).Build();
        });
        services.AddAntiforgery();
        return services;
    }

    /// <summary>Browsers are sent to /login; the API, the model API, the metrics scrape and scripts get a bare status code.</summary>
    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status, bool redirect)
    {
        if (redirect && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/v1") && !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/_blazor"))
            context.Response.Redirect(context.RedirectUri);
        else
            context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary><c>POST /account/login</c> (form: user, password, returnUrl) and <c>POST /account/logout</c>; both check the antiforgery token.</summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", async ([FromForm] string? user, [FromForm] string? password, [FromForm] string? returnUrl,
            HttpContext context, SignInGuard guard, AccessMode mode) =>
        {
            var target = IsLocal(returnUrl) ? returnUrl! : "/";
            if (mode.Open) return Results.LocalRedirect(target);
            var result = await guard.CheckAsync(user ?? "", password ?? "", ClientAddress.Of(context), context.RequestAborted);
            if (result.User is null)
            {
                var error = result.Outcome switch
                {
                    SignInOutcome.Locked => "locked&minutes=" + Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - DateTime.UtcNow).TotalMinutes)),
                    SignInOutcome.Disabled => "disabled",
                    _ => "1",
                };
                return Results.LocalRedirect($"/login?error={error}&returnUrl={Uri.EscapeDataString(target)}");
            }
            await context.SignInAsync(CookieScheme, SessionStamp.Principal(result.User));
            return Results.LocalRedirect(target);
        }).AllowAnonymous().RequireRateLimiting(SecuritySetup.SignInPolicy).ExcludeFromDescription();

        app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery, AccessMode mode) =>
        {
            try { await antiforgery.ValidateRequestAsync(context); }
            catch (AntiforgeryValidationException) { return Results.BadRequest("invalid antiforgery token; reload the page and try again."); }
            if (!mode.Open) await context.SignOutAsync(CookieScheme);
            return Results.LocalRedirect(mode.Open ? "/" : "/login");
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
