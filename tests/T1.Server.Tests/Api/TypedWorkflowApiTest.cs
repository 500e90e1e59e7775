using T1.Server.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Api;

/// <summary>
/// Set-up of the API tests that start runs of one workflow: a portal server, an admin API client and
/// <paramref name="yaml"/> registered as typed.yaml.
/// </summary>
public abstract class TypedWorkflowApiTest(string yaml) : IAsyncLifetime
{
    protected PortalServer Server { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await PortalServer.StartAsync();
        Http = Server.Client(await Server.KeyAsync(Roles.Admin));
        await Server.RegisterYamlAsync("typed.yaml", yaml);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
