using Bff.Tests.Infrastructure;

namespace Bff.Tests.Sample;

/// <summary>
/// What the sample host (samples/Bff.Sample) talks to: the dev IdP with the token exchange grant on
/// for <see cref="OrdersAudience"/>, the sample API as the downstream API (<c>aud=sample-api</c>), and
/// a second sample API as the orders API, which accepts only <c>aud=orders-api</c>.
/// </summary>
public sealed class SampleFixture : IAsyncLifetime
{
    public const string OrdersAudience = "orders-api";

    private readonly List<TempDirectory> _folders = [];

    public CapturingLoggerProvider Logs { get; } = new();

    public TestIdp Idp { get; private set; } = null!;

    public TestApi Api { get; private set; } = null!;

    public TestApi OrdersApi { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Idp = await TestIdp.StartAsync(Logs, tokenExchangeAudiences: [OrdersAudience]);
        Api = await TestApi.StartAsync(Idp.Url, Logs);
        OrdersApi = await TestApi.StartAsync(Idp.Url, Logs, audience: OrdersAudience);
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

    public async Task DisposeAsync()
    {
        await OrdersApi.DisposeAsync();
        await Api.DisposeAsync();
        await Idp.DisposeAsync();
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }
    }
}
