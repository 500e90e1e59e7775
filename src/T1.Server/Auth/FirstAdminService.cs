using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace T1.Server.Auth;

/// <summary>
/// On the first start of a server that requires sign-in (no user yet), creates the admin and tells, once,
/// how to sign in (on the start-up line that `t1 serve` prints to stdout; the log gets no password).
/// Registered after the migration service, so the tables exist.
/// </summary>
internal sealed class FirstAdminService(AccountStore accounts, AccessStatus status, AuthOptions options, ILogger<FirstAdminService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (status.Mode.Open || await accounts.AnyUserAsync(cancellationToken)) return;
        var given = options.AdminPassword.Length > 0;
        var password = given ? options.AdminPassword : AccountStore.NewPassword();
        try
        {
            await accounts.CreateUserAsync(options.AdminUser, password, Roles.Admin, cancellationToken);
        }
        catch (DbUpdateException)
        {
            return; // another server process created it at the same moment; it tells the password
        }
        status.FirstAdminNotice = given
            ? $"first start: created admin '{options.AdminUser}' with the password from T1:Auth:AdminPassword; sign in at /login"
            : $"first start: created admin '{options.AdminUser}' with password {password} (shown only now); sign in at /login";
        // The password goes only to the console (the start-up line, stdout), never into the log and its collectors.
        logger.LogWarning("first start: created admin '{Admin}' ({Source}); sign in at /login", options.AdminUser,
            given ? "password from T1:Auth:AdminPassword" : "generated password printed once on the console, not logged");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
