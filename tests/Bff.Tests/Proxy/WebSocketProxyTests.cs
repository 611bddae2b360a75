using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Proxy;

/// <summary>
/// WebSockets through proxied routes (issue 18, item 1): the browser cannot put an
/// <c>Authorization</c> header on a WebSocket, so the BFF attaches the route's token to the
/// forwarded handshake, and strips the browser's cookies from it, as for any proxied call. The
/// sample API's <c>/api/ws/echo</c> accepts the handshake only with a valid token and says first
/// whose token it got. Every socket here is opened from the BFF's own origin, without <c>X-CSRF</c>.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebSocketProxyTests(IdpFixture env)
{
    /// <summary>The requests of one test's sockets that reached the API (each test marks its URLs).</summary>
    private IEnumerable<ArrivedRequest> ArrivedAtApi(string mark) =>
        env.Api.Recorder.Arrivals.Where(r => r.Path == "/api/ws/echo" && r.Query.Contains(mark, StringComparison.Ordinal));

    private static string Mark() => $"test={Guid.NewGuid():N}";

    [Fact]
    public async Task A_websocket_through_a_user_route_carries_the_users_token_and_nothing_of_the_browsers()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sub = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sub");
        var mark = Mark();

        using var socket = await browser.WebSocketAsync($"{bff.Url}/api/ws/echo?{mark}", headers: [("Origin", bff.Url), ("Sec-Fetch-Site", "same-origin")]);

        Assert.True(socket.IsOpen, $"refused: {(int)socket.Status}");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.Status);
        var hello = new Echo(await socket.ReceiveTextAsync());
        Assert.Equal(sub, hello.Sub);
        await socket.SendTextAsync("ping");
        Assert.Equal("ping", await socket.ReceiveTextAsync());
        await socket.CloseAsync();

        var handshake = Assert.Single(ArrivedAtApi(mark));
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens[^1]}", handshake.Header("Authorization"));
        Assert.Equal("websocket", handshake.Header("Upgrade"), ignoreCase: true);
        Assert.Null(handshake.Header("Cookie"));
        Assert.Null(handshake.Header("X-CSRF"));
    }

    [Theory]
    [InlineData("/client", false, "client")]
    [InlineData("/uoc", false, "client")]
    [InlineData("/uoc", true, "user")]
    [InlineData("/optional", true, "user")]
    public async Task A_websocket_gets_the_token_its_route_names(string prefix, bool loggedIn, string expected)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        if (loggedIn)
        {
            await browser.LoginAsync(bff.Url);
        }

        using var socket = await browser.WebSocketAsync($"{bff.Url}{prefix}/api/ws/echo?{Mark()}", headers: ("Origin", bff.Url));

        Assert.True(socket.IsOpen, $"refused: {(int)socket.Status}");
        var hello = new Echo(await socket.ReceiveTextAsync());
        if (expected == "client")
        {
            Assert.Equal(bff.ClientId, hello.ClientId);
            Assert.True(hello.Sub is null || hello.Sub == bff.ClientId, $"a client token, not a user's: sub={hello.Sub}");
        }
        else
        {
            Assert.NotNull(hello.Sub);
            Assert.NotEqual(bff.ClientId, hello.Sub);
        }

        await socket.CloseAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("/optional")]
    [InlineData("/none")]
    public async Task A_websocket_without_the_token_its_api_needs_is_refused(string prefix)
    {
        await using var bff = await env.StartBffAsync();
        using var anonymous = new TestBrowser();
        var mark = Mark();

        using var socket = await anonymous.WebSocketAsync($"{bff.Url}{prefix}/api/ws/echo?{mark}", headers: ("Origin", bff.Url));

        Assert.False(socket.IsOpen);
        Assert.Equal(HttpStatusCode.Unauthorized, socket.Status);
        if (prefix.Length == 0)
        {
            Assert.Empty(ArrivedAtApi(mark)); // a user route without a session: the BFF's 401, the API never asked
        }
        else
        {
            Assert.Null(Assert.Single(ArrivedAtApi(mark)).Header("Authorization")); // no token to attach: the API's own 401
        }
    }

    [Fact]
    public async Task A_websocket_over_http2_extended_connect_carries_the_users_token()
    {
        var (bff, http2Url) = await env.StartBffWithHttp2EndpointAsync();
        await using var _ = bff;
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sub = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sub");
        var mark = Mark();

        using var socket = await browser.WebSocketAsync($"{http2Url}/api/ws/echo?{mark}", http2: true, ("Origin", http2Url));

        Assert.True(socket.IsOpen, $"refused: {(int)socket.Status}");
        Assert.Equal(HttpStatusCode.OK, socket.Status); // RFC 8441: 200 to the extended CONNECT
        Assert.Equal(sub, new Echo(await socket.ReceiveTextAsync()).Sub);
        await socket.SendTextAsync("ping");
        Assert.Equal("ping", await socket.ReceiveTextAsync());
        await socket.CloseAsync();
        var handshake = Assert.Single(ArrivedAtApi(mark)); // an HTTP/1.1 upgrade to the API: it speaks no h2c
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens[^1]}", handshake.Header("Authorization"));
        Assert.Null(handshake.Header("Cookie"));
    }
}
