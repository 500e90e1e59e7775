using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace T1.Server.Auth;

/// <summary>
/// On the first start of a server that requires sign-in (no user yet), creates the admin and tells, once,
/// how to sign in. Registered after the migration service, so the tables exist.
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
        logger.LogWarning("{Notice}", status.FirstAdminNotice);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
