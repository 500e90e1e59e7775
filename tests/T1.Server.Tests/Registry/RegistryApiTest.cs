using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Registry;

/// <summary>The set-up the registry and lineage API tests share: the real app (sign-in required) holding the run and model version <see cref="RegistryFixture"/> records.</summary>
public abstract class RegistryApiTest : IAsyncLifetime
{
    protected PortalServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await PortalServer.StartAsync();
        await RegistryFixture.StoreAsync(Server);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }
}
