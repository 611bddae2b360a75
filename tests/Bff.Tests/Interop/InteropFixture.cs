using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>One independent provider (oidc-provider) in one profile, shared by a test class; each test gets its own BFF and client.</summary>
public abstract class InteropFixture(string profile, params string[] options) : IAsyncLifetime
{
    private readonly List<TempDirectory> _folders = [];

    public InteropProvider Provider { get; private set; } = null!;

    public string NewFolder()
    {
        var folder = new TempDirectory("bff-interop");
        lock (_folders)
        {
            _folders.Add(folder);
        }

        return folder.Path;
    }

    public async Task InitializeAsync() => Provider = await InteropProvider.StartAsync(profile, options);

    public async Task DisposeAsync()
    {
        await Provider.DisposeAsync();
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }
    }
}

public sealed class EntraProvider() : InteropFixture("entra");

public sealed class Auth0Provider() : InteropFixture("auth0");

public sealed class KeycloakProvider() : InteropFixture("keycloak");

public sealed class GoogleProvider() : InteropFixture("google");

public sealed class NoRotationProvider() : InteropFixture("norotation");

public sealed class RotationProvider() : InteropFixture("rotation");
