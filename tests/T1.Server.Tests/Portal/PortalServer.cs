using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using T1.Server.Auth;
using T1.Server.Hosting;

namespace T1.Server.Tests.Portal;

/// <summary>
/// The real `t1 serve` app (portal, API, Hangfire dashboard, in-process worker) on a loopback port, embedded
/// default storage in a throwaway folder. With <c>requireLogin</c> it behaves as a server bound to a public address.
/// </summary>
public sealed class PortalServer : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-for-tests";

    private PortalServer(WebApplication app, string dir, bool ownsDir)
    {
        App = app;
        Directory = dir;
        _ownsDir = ownsDir;
        Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    private readonly bool _ownsDir;
    public WebApplication App { get; }
    public string Directory { get; }
    public string Address { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="adminPassword">first admin's password; null lets the server generate (and tell) one.</param>
    /// <param name="configure">changes to the settings (e.g. lockout times) before the app is built.</param>
    /// <param name="logging">adds log providers (e.g. one that records what the server logs).</param>
    public static async Task<PortalServer> StartAsync(bool requireLogin = true, string? adminPassword = AdminPassword, string? dir = null,
        Action<T1Options>? configure = null, Action<ILoggingBuilder>? logging = null)
    {
        var ownsDir = dir is null;
        dir ??= Path.Combine(Path.GetTempPath(), "t1-portal-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new T1Options { DataDirectory = dir };
        options.Auth.RequireLogin = requireLogin;
        options.Auth.AdminPassword = adminPassword ?? "";
        options.Worker.Count = 4;
        configure?.Invoke(options);
        ConfigurationLoader.Normalise(options);
        // T1_TEST_LOG=1 shows the server's log (errors of the pages included) in the test output.
        var app = ServerApp.Build(options, "http://127.0.0.1:0", worker: true, l =>
        {
            if (Environment.GetEnvironmentVariable("T1_TEST_LOG") == "1") l.AddSimpleConsole();
            logging?.Invoke(l);
        });
        await app.StartAsync();
        // Hangfire keeps one log provider per process, and each app sets its own (bound to the app's logger factory).
        // Tests run several apps side by side: once the last-started one is disposed, creating a job in any other
        // fails with ObjectDisposedException (a 500 from POST /api/runs). A provider that outlives every app avoids that.
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(SilentHangfireLog.Instance);
        return new PortalServer(app, dir, ownsDir);
    }

    /// <summary>A client without cookies or redirects: what a script sees.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(Address) };
        if (apiKey is not null) http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, apiKey);
        return http;
    }

    /// <summary>Creates an API key of the role straight in the account store (as the first admin would through the API).</summary>
    public async Task<string> KeyAsync(string role) => (await Get<AccountStore>().CreateKeyAsync("test " + role, role, "tests")).Key;

    /// <summary>Registers a workflow file of the repository (as an admin).</summary>
    public async Task RegisterAsync(string repoRelativePath) =>
        await RegisterYamlAsync(Path.GetFileName(repoRelativePath), await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, repoRelativePath)));

    /// <summary>Registers (publishes) a workflow text as an admin.</summary>
    public async Task RegisterYamlAsync(string fileName, string yaml)
    {
        using var http = Client(await KeyAsync(Roles.Admin));
        var response = await http.PostAsync("/api/definitions?file=" + fileName, new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Starts a run of a workflow text as an admin (text that is not stored yet is published by it, which needs admin).</summary>
    public async Task<string> StartRunAsync(string yaml, Dictionary<string, string>? @params = null)
    {
        using var http = Client(await KeyAsync(Roles.Admin));
        var response = await http.PostAsJsonAsync("/api/runs", new { workflow = yaml, @params = @params ?? new Dictionary<string, string>() });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
        }
        catch (OperationCanceledException)
        {
            // Hangfire gave up waiting for a job still running when the test ended (a run a test started last, on a
            // loaded machine): the server is stopping all the same, and what the test asserted is unaffected.
        }
        await App.DisposeAsync();
        if (_ownsDir)
            try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}

/// <summary>A Hangfire log provider that writes nothing and never depends on a disposed logger factory.</summary>
internal sealed class SilentHangfireLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
{
    public static readonly SilentHangfireLog Instance = new();

    public Hangfire.Logging.ILog GetLogger(string name) => this;

    public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
}
