using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenBff.Sessions;

namespace Bff.Tests.Proxy;

/// <summary>
/// Issue 18, item 4: a session's end closes its WebSockets through the BFF within seconds, whatever
/// ends it: logout, back-channel logout, idle expiry, absolute expiry, a refused refresh, a host's
/// revocation. Each socket is real, through the BFF to the sample API's echo; another session's
/// socket stays open.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebSocketSessionEndTests(IdpFixture env)
{
    /// <summary>How long a socket may outlive its session here (the BFF closes it at once, or at its next one-second sweep).</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The expiry tests' cleanup interval: longer than the time they advance, so that the cleanup
    /// (which ends expired sessions, and so closes their sockets, every 10 minutes by default) does
    /// not run, and the socket's own expiry check is what closes it.
    /// </summary>
    private const string NoCleanupMeanwhile = "1.00:00:00";

    [Fact]
    public async Task Logout_closes_the_sessions_websockets_and_no_other_sessions()
    {
        await using var bff = await env.StartBffAsync();
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        await bob.LoginAsync(bff.Url, "bob", "bob");
        using var first = await alice.EchoSocketAsync(bff.Url);
        using var second = await alice.EchoSocketAsync(bff.Url);
        using var bobs = await bob.EchoSocketAsync(bff.Url);
        var logoutUrl = new UserClaims((await alice.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;

        Assert.Equal(HttpStatusCode.Redirect, (await alice.GetAsync($"{bff.Url}{logoutUrl}")).Status);

        Assert.True(await first.EndedByServerAsync(Within), "alice's first socket outlived her logout");
        Assert.True(await second.EndedByServerAsync(Within), "alice's second socket outlived her logout");
        Assert.True(await bobs.EchoesAsync("still here"));
        Assert.Contains(bff.LogLines, l => l.Contains("Closed 2 WebSocket (upgraded) connection(s) of a session: the session ended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_closes_the_sessions_websocket_over_http2()
    {
        var (bff, http2Url) = await env.StartBffWithHttp2EndpointAsync();
        await using var _ = bff;
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using var socket = await alice.WebSocketAsync($"{http2Url}/api/ws/echo", http2: true, ("Origin", http2Url));
        Assert.True(socket.IsOpen, $"refused: {(int)socket.Status}");
        await socket.ReceiveTextAsync(); // the API's hello
        var logoutUrl = new UserClaims((await alice.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;

        Assert.Equal(HttpStatusCode.Redirect, (await alice.GetAsync($"{bff.Url}{logoutUrl}")).Status);

        Assert.True(await socket.EndedByServerAsync(Within), "the HTTP/2 socket (an extended CONNECT stream) outlived the logout");
    }

    [Fact]
    public async Task Back_channel_logout_closes_the_sessions_websockets()
    {
        await using var bff = await env.StartBffAsync();
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        var sid = new UserClaims((await alice.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid")!;
        using var socket = await alice.EchoSocketAsync(bff.Url);
        var tokens = new LogoutTokens(env.Idp);

        using var provider = new TestBrowser();
        var response = await provider.SendAsync(
            HttpMethod.Post,
            $"{bff.Url}/bff/backchannel",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = tokens.Create(tokens.Claims(bff.ClientId, sid, "alice")) }));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(await socket.EndedByServerAsync(Within), "the socket outlived the back-channel logout");
    }

    [Fact]
    public async Task Idle_expiry_closes_the_sessions_websockets()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Session:CleanupInterval"] = NoCleanupMeanwhile);
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using var socket = await alice.EchoSocketAsync(bff.Url);

        bff.Time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1)); // Bff:Session:IdleTimeout, without a request

        Assert.True(await socket.EndedByServerAsync(Within), "the socket outlived its session's idle timeout");
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Absolute_expiry_closes_the_websockets_of_a_session_kept_active()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:IdleTimeout"] = "01:00:00";
            s["Bff:Session:AbsoluteTimeout"] = "02:00:00";
            s["Bff:Session:CleanupInterval"] = NoCleanupMeanwhile;
        });
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using var socket = await alice.EchoSocketAsync(bff.Url);

        for (var i = 0; i < 3; i++) // each call slides the idle timeout, past the socket's first expiry
        {
            bff.Time.Advance(TimeSpan.FromMinutes(35));
            Assert.Equal(HttpStatusCode.OK, (await alice.ApiAsync($"{bff.Url}/bff/user")).Status);
        }

        Assert.True(await socket.EchoesAsync("renewed, still open"));

        bff.Time.Advance(TimeSpan.FromMinutes(35)); // 2h20 after login, 35 minutes after the last call

        Assert.True(await socket.EndedByServerAsync(Within), "the socket outlived its session's absolute timeout");
    }

    [Fact]
    public async Task Refused_refresh_closes_the_sessions_websockets()
    {
        await using var bff = await env.StartBffAsync();
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using var socket = await alice.EchoSocketAsync(bff.Url);
        await env.Idp.RevokeAsync(bff.ClientId, bff.ClientSecret, IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single());

        bff.Time.Advance(TimeSpan.FromMinutes(6)); // the access token expired: the next call refreshes, and the provider refuses
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.ApiAsync($"{bff.Url}/api/hello")).Status);

        Assert.True(await socket.EndedByServerAsync(Within), "the socket outlived the refused refresh");
    }

    [Fact]
    public async Task Revocation_by_the_host_closes_the_sessions_websockets()
    {
        await using var bff = await env.StartBffAsync();
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using var socket = await alice.EchoSocketAsync(bff.Url);
        var revocation = bff.Services.GetRequiredService<ISessionRevocationService>();

        Assert.Equal(1, await revocation.RevokeSessionsAsync(new UserSessionFilter { SubjectId = "alice" }));

        Assert.True(await socket.EndedByServerAsync(Within), "the socket outlived its revoked session");
    }
}
