using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Bff.Tests.Sample;

/// <summary>
/// The sample's own app (<c>Program.Build</c> of samples/Bff.Sample), configured on the command line
/// as an operator would, against <see cref="SampleFixture"/>, on a free loopback port.
/// </summary>
public sealed class SampleHost : IAsyncDisposable
{
    public const string SpaOrigin = "https://spa.example.com";

    private readonly WebApplication _app;

    private SampleHost(WebApplication app, string clientId)
    {
        _app = app;
        ClientId = clientId;
        Url = app.BoundAddress();
    }

    public string Url { get; }

    public string ClientId { get; }

    /// <param name="env">The IdP and APIs.</param>
    /// <param name="tokenExchange">Whether the sample's client may use the token exchange grant at the IdP.</param>
    public static async Task<SampleHost> StartAsync(SampleFixture env, bool tokenExchange = true)
    {
        var (clientId, secret) = await env.Idp.RegisterClientAsync("http://127.0.0.1", tokenExchangeAudiences: tokenExchange ? [SampleFixture.OrdersAudience] : null);
        var folder = env.NewFolder();
        var app = Program.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--contentRoot", folder, // not the test's folder, whose appsettings.json is Bff.Host's
            "--Logging:LogLevel:Default", "Warning",
            "--Bff:Oidc:Authority", env.Idp.Url,
            "--Bff:Oidc:RequireHttpsMetadata", "false",
            "--Bff:Oidc:ClientId", clientId,
            "--Bff:Oidc:ClientSecret", secret,
            "--Bff:Oidc:Scope", "openid profile email offline_access api",
            "--Bff:DataPath", folder,
            "--Bff:Session:Store", "Memory",
            "--Sample:DownstreamApi", env.Api.Url + "/",
            "--Sample:OrdersApi", env.OrdersApi.Url + "/",
            "--Sample:OrdersAudience", SampleFixture.OrdersAudience,
            "--Sample:SpaOrigin", SpaOrigin,
        ]);
        await app.StartAsync();
        return new SampleHost(app, clientId);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
