using System.Net;
using System.Text;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Security;

/// <summary>
/// Cross-site WebSocket hijacking (issue 18, item 2). A WebSocket handshake cannot carry
/// <c>X-CSRF</c>, and a page of the same site on another origin (another port, a sibling
/// subdomain) sends the <c>SameSite</c> session cookie with it, so the BFF accepts an upgrade only
/// from its own origin or one of <c>Bff:AllowedOrigins</c>, with <c>Sec-Fetch-Site</c> agreeing
/// when sent: 403 otherwise, on every route (<c>Bff.AntiForgery=false</c> too), the API never
/// asked, and a warning (event 3006) without the cookie. Each socket here carries the logged-in
/// victim's cookie, as such a page's would.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class WebSocketHijackingTests(IdpFixture env)
{
    private const int UpgradeRejected = 3006;

    private IEnumerable<ArrivedRequest> ArrivedAtApi(string mark) =>
        env.Api.Recorder.Arrivals.Where(r => r.Path == "/api/ws/echo" && r.Query.Contains(mark, StringComparison.Ordinal));

    private static string Mark() => $"test={Guid.NewGuid():N}";

    private static List<string> Warnings(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains($"[{UpgradeRejected}]", StringComparison.Ordinal)).ToList();

    /// <summary>
    /// Origin: absent, <c>null</c>, or a stand-in: <c>self</c> (the BFF's origin), <c>self-https</c>
    /// (its scheme changed), <c>other-port</c> (same host, another port: same site, another origin).
    /// </summary>
    [Theory]
    [InlineData(null, null)]
    [InlineData("null", null)]
    [InlineData("", null)]
    [InlineData("other-port", null)]
    [InlineData("other-port", "same-site")]
    [InlineData("self-https", null)]
    [InlineData("http://localhost", "cross-site")]
    [InlineData("https://evil.example", "cross-site")]
    [InlineData("self", "same-site")]
    [InlineData("self", "cross-site")]
    [InlineData("self", "none")]
    public async Task A_websocket_from_anywhere_but_the_bffs_own_origin_is_403_and_never_reaches_the_api(string? origin, string? secFetchSite)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var port = new Uri(bff.Url).Port;
        var headers = new List<(string, string)>();
        if (origin is not null)
        {
            headers.Add(("Origin", origin switch
            {
                "self" => bff.Url,
                "self-https" => $"https://127.0.0.1:{port}",
                "other-port" => $"http://127.0.0.1:{(port == 65535 ? 1 : port + 1)}",
                _ => origin,
            }));
        }

        if (secFetchSite is not null)
        {
            headers.Add(("Sec-Fetch-Site", secFetchSite));
        }

        var mark = Mark();

        using var socket = await browser.WebSocketAsync($"{bff.Url}/api/ws/echo?{mark}", headers: [.. headers]);

        Assert.False(socket.IsOpen);
        Assert.Equal(HttpStatusCode.Forbidden, socket.Status);
        Assert.Empty(ArrivedAtApi(mark));
        var warning = Assert.Single(Warnings(bff.LogLines));
        Assert.Contains("/api/ws/echo", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.CookieValue(bff.Url, "__Host-bff")!, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_browser_opens_the_socket_from_the_bffs_own_origin()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();

        using var socket = await browser.WebSocketAsync($"{bff.Url}/api/ws/echo?{mark}", headers: [("Origin", bff.Url), ("Sec-Fetch-Site", "same-origin")]);

        Assert.True(socket.IsOpen, $"refused: {(int)socket.Status}");
        Assert.NotNull(new Echo(await socket.ReceiveTextAsync()).Sub);
        await socket.CloseAsync();
        Assert.Single(ArrivedAtApi(mark));
        Assert.Empty(Warnings(bff.LogLines));
    }

    [Theory]
    [InlineData("/nocsrf")] // Bff.AntiForgery=false
    [InlineData("/none")]
    [InlineData("/client")]
    public async Task A_route_that_needs_no_header_or_no_user_still_refuses_a_websocket_from_another_origin(string prefix)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var (refused, allowed) = (Mark(), Mark());

        using var foreign = await browser.WebSocketAsync($"{bff.Url}{prefix}/api/ws/echo?{refused}", headers: ("Origin", "http://localhost:1"));
        using var own = await browser.WebSocketAsync($"{bff.Url}{prefix}/api/ws/echo?{allowed}", headers: ("Origin", bff.Url));

        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Empty(ArrivedAtApi(refused));
        Assert.Single(ArrivedAtApi(allowed)); // reached the API (which opens it only with a token: the client route's)
        Assert.Equal(prefix == "/client", own.IsOpen);
    }

    [Fact]
    public async Task Two_origin_headers_are_refused()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var cookie = browser.Cookies.GetCookieHeader(new Uri(bff.Url));
        var mark = Mark();
        var host = new Uri(bff.Url).Authority;
        var handshake = $"GET /api/ws/echo?{mark} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {bff.Url}\r\nOrigin: {bff.Url}\r\nCookie: {cookie}\r\n\r\n" +
            $"GET /health/live HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";

        var answer = await RawHttp.SendAsync(new Uri(bff.Url), Encoding.ASCII.GetBytes(handshake));

        Assert.Equal(403, RawHttp.Status(answer));
        Assert.Empty(ArrivedAtApi(mark));
        Assert.Contains("more than one Origin", Assert.Single(Warnings(bff.LogLines)), StringComparison.Ordinal);
    }

    /// <summary>
    /// YARP also forwards <c>Upgrade: SPDY/3.1</c> (Kubernetes' exec) as an upgrade. No browser
    /// sends it, but a route with the header check off would otherwise take it from anywhere.
    /// </summary>
    [Fact]
    public async Task An_upgrade_to_another_protocol_needs_the_bffs_origin_too()
    {
        await using var bff = await env.StartBffAsync();
        var (refused, allowed) = (Mark(), Mark());
        var host = new Uri(bff.Url).Authority;
        string Handshake(string mark, string origin) =>
            $"GET /nocsrf/api/ws/echo?{mark} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n{origin}\r\n" +
            $"GET /health/live HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";

        var foreign = await RawHttp.SendAsync(new Uri(bff.Url), Encoding.ASCII.GetBytes(Handshake(refused, string.Empty)));
        var own = await RawHttp.SendAsync(new Uri(bff.Url), Encoding.ASCII.GetBytes(Handshake(allowed, $"Origin: {bff.Url}\r\n")));

        Assert.Equal(403, RawHttp.Status(foreign));
        Assert.Empty(ArrivedAtApi(refused));
        Assert.Equal("SPDY/3.1", Assert.Single(ArrivedAtApi(allowed)).Header("Upgrade")); // forwarded as an upgrade
        Assert.Equal(401, RawHttp.Status(own)); // the API's: the route attaches no token
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("same-site", true)]
    [InlineData("same-origin", true)]
    [InlineData("cross-site", false)]
    [InlineData("none", false)]
    public async Task An_allowed_origin_of_the_same_site_may_open_sockets(string? secFetchSite, bool opens)
    {
        const string spa = "http://localhost:5173";
        await using var bff = await env.StartBffAsync(s => s["Bff:AllowedOrigins:0"] = spa);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();
        (string, string)[] headers = secFetchSite is null ? [("Origin", spa)] : [("Origin", spa), ("Sec-Fetch-Site", secFetchSite)];

        using var socket = await browser.WebSocketAsync($"{bff.Url}/api/ws/echo?{mark}", headers: headers);

        Assert.Equal(opens, socket.IsOpen);
        Assert.Equal(opens ? 1 : 0, ArrivedAtApi(mark).Count());
        if (!opens)
        {
            Assert.Equal(HttpStatusCode.Forbidden, socket.Status);
        }
    }

    [Fact]
    public async Task A_websocket_over_http2_from_another_origin_is_403_and_never_reaches_the_api()
    {
        var (bff, http2Url) = await env.StartBffWithHttp2EndpointAsync();
        await using var _ = bff;
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();

        using var foreign = await browser.WebSocketAsync($"{http2Url}/api/ws/echo?{mark}", http2: true, ("Origin", bff.Url)); // the HTTP/1.1 port: another origin
        using var missing = await browser.WebSocketAsync($"{http2Url}/api/ws/echo?{mark}", http2: true);

        Assert.Equal((false, HttpStatusCode.Forbidden), (foreign.IsOpen, foreign.Status));
        Assert.Equal((false, HttpStatusCode.Forbidden), (missing.IsOpen, missing.Status));
        Assert.Empty(ArrivedAtApi(mark));
        Assert.Equal(2, Warnings(bff.LogLines).Count);
    }

    [Fact]
    public async Task A_remote_api_endpoint_refuses_a_websocket_from_another_origin_even_without_the_header_check()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env);
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.Services.AddBff().AddRemoteApis();
        await using var app = await LibraryHost.StartAsync(builder, app =>
        {
            app.MapRemoteBffApiEndpoint("/remote", new Uri(env.Api.Url + "/")).WithAccessToken();
            app.MapRemoteBffApiEndpoint("/open", new Uri(env.Api.Url + "/")).WithAccessToken().SkipAntiforgery();
        });
        var url = app.BoundAddress();
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);
        var sub = new UserClaims((await browser.ApiAsync($"{url}/bff/user")).Body).Value("sub");
        var (refused, allowed) = (Mark(), Mark());

        foreach (var prefix in new[] { "/remote", "/open" })
        {
            using var foreign = await browser.WebSocketAsync($"{url}{prefix}/api/ws/echo?{refused}", headers: ("Origin", "http://127.0.0.1:1"));
            using var own = await browser.WebSocketAsync($"{url}{prefix}/api/ws/echo?{allowed}", headers: ("Origin", url));

            Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
            Assert.True(own.IsOpen, $"{prefix} refused: {(int)own.Status}");
            Assert.Equal(sub, new Echo(await own.ReceiveTextAsync()).Sub); // the user's token, attached by the BFF
            await own.CloseAsync();
        }

        Assert.Empty(ArrivedAtApi(refused));
        Assert.All(ArrivedAtApi(allowed), r => Assert.Null(r.Header("Cookie")));
        Assert.Equal(2, ArrivedAtApi(allowed).Count());
        Assert.Equal(2, Warnings(logs.Lines).Count);
    }
}
