using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// One real IdP and sample API shared by the integration tests (each test gets its own BFF and
/// its own client registration at the IdP, so no test sees another's traffic).
/// </summary>
public sealed class IdpFixture : IAsyncLifetime
{
    private readonly List<TempDirectory> _folders = [];

    public CapturingLoggerProvider Logs { get; } = new();

    public TestIdp Idp { get; private set; } = null!;

    public TestApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Idp = await TestIdp.StartAsync(Logs);
        Api = await TestApi.StartAsync(Idp.Url, Logs);
    }

    public string NewFolder()
    {
        var folder = new TempDirectory();
        lock (_folders)
        {
            _folders.Add(folder);
        }

        return folder.Path;
    }

    public Task<TestBff> StartBffAsync(
        Action<Dictionary<string, string?>>? configure = null,
        FakeTimeProvider? time = null,
        string? dataPath = null,
        (string Id, string Secret)? client = null,
        Action<IServiceCollection>? services = null) =>
        TestBff.StartAsync(Idp, Api, dataPath ?? NewFolder(), new CapturingLoggerProvider(), configure, time, client, services: services);

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Idp.DisposeAsync();
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }
    }
}
