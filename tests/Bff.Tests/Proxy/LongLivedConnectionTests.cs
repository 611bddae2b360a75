using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;

namespace Bff.Tests.Proxy;

/// <summary>
/// Long-lived connections and tokens (issue 18, item 5): the BFF attaches the route's access token
/// to the upgrade, once; it does not renew it, and does not close the socket when that token
/// expires. Whether an expired token ends the connection is the API's choice: the sample API's hub
/// sets <c>CloseOnAuthenticationExpiration</c> and closes it; its plain <c>/api/ws/echo</c> keeps
/// it open. These tests use their own IdP, whose access tokens live 3 seconds, and wait for the
/// hub's close as an event (no sleep).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LongLivedConnectionTests
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task The_hub_closes_its_websocket_when_the_token_attached_at_the_upgrade_expires_and_the_bff_leaves_other_sockets_open()
    {
        var apiLogs = new CapturingLoggerProvider();
        await using var idp = await TestIdp.StartAsync(accessTokenLifetime: TokenLifetime);
        await using var api = await TestApi.StartAsync(idp.Url, apiLogs);
        using var data = new TempDirectory("bff-expiry");
        await using var bff = await TestBff.StartAsync(idp, api, data.Path, new CapturingLoggerProvider());
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        // The echo socket first: its token was issued no later than the hub's, so it has expired when the hub's has.
        using var echo = await browser.WebSocketAsync($"{bff.Url}/api/ws/echo", headers: ("Origin", bff.Url));
        Assert.True(echo.IsOpen, $"refused: {(int)echo.Status}");
        await echo.ReceiveTextAsync();
        await using var hub = await BffHub.ConnectAsync(bff.Url, browser, HttpTransportType.WebSockets);
        Assert.Equal("welcome", (await hub.NextNotificationAsync()).GetProperty("kind").GetString());

        await hub.Closed.WaitAsync(TimeSpan.FromSeconds(30));

        var upgrade = Assert.Single(api.Recorder.Arrivals, r => r.Path == BffHub.Path && r.Header("Upgrade") is not null);
        Assert.True(DateTimeOffset.UtcNow >= ExpiresAt(upgrade.Header("Authorization")!), "closed before the token expired");
        Assert.Contains(apiLogs.Lines, line => line.Contains("closing because the authentication token has expired", StringComparison.Ordinal));
        await echo.SendTextAsync("still open");
        Assert.Equal("still open", await echo.ReceiveTextAsync());
        await echo.CloseAsync();
    }

    [Fact]
    public async Task After_the_hub_closed_on_token_expiry_a_new_connection_through_the_bff_gets_a_fresh_token()
    {
        await using var idp = await TestIdp.StartAsync(accessTokenLifetime: TokenLifetime);
        await using var api = await TestApi.StartAsync(idp.Url, new CapturingLoggerProvider());
        using var data = new TempDirectory("bff-expiry");
        await using var bff = await TestBff.StartAsync(idp, api, data.Path, new CapturingLoggerProvider());
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await using (var first = await BffHub.ConnectAsync(bff.Url, browser, HttpTransportType.WebSockets))
        {
            await first.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await BffHub.ConnectAsync(bff.Url, browser, HttpTransportType.WebSockets);

        Assert.Equal("welcome", (await second.NextNotificationAsync()).GetProperty("kind").GetString());
        var upgrades = api.Recorder.Arrivals.Where(r => r.Path == BffHub.Path && r.Header("Upgrade") is not null).ToList();
        Assert.Equal(2, upgrades.Count);
        Assert.NotEqual(upgrades[0].Header("Authorization"), upgrades[1].Header("Authorization"));
    }

    /// <summary>The <c>exp</c> of a <c>Bearer</c> JWT.</summary>
    private static DateTimeOffset ExpiresAt(string authorization) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(authorization["Bearer ".Length..]).ValidTo;
}
