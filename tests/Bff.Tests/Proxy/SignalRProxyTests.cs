using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bff.Tests.Proxy;

/// <summary>
/// SignalR end to end (issue 18, item 3): the .NET SignalR client, with a browser's session cookie
/// and <c>X-CSRF: 1</c>, connects through a real BFF to the sample API's notifications hub, which
/// authenticates the token the BFF attaches (JWT bearer, from the <c>Authorization</c> header; no
/// <c>access_token</c> query string) over each transport. Every SignalR request without the header
/// (negotiate, the SSE stream, a long poll, a send) is refused by the BFF and never reaches the API.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SignalRProxyTests(IdpFixture env)
{
    private IEnumerable<ArrivedRequest> ArrivedAtHub(string mark) =>
        env.Api.Recorder.Arrivals.Where(r => r.Path.StartsWith(BffHub.Path, StringComparison.Ordinal) && r.Query.Contains(mark, StringComparison.Ordinal));

    private static string Mark() => $"test={Guid.NewGuid():N}";

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task The_hub_pushes_to_the_logged_in_user_through_the_bff_over(HttpTransportType transport)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sub = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sub");
        var mark = Mark();

        await using var hub = BffHub.Create(bff.Url, browser, transport, $"{BffHub.Path}?{mark}");
        await hub.Connection.StartAsync();

        var welcome = await hub.NextNotificationAsync();
        Assert.Equal("welcome", welcome.GetProperty("kind").GetString());
        Assert.Equal(sub, welcome.GetProperty("from").GetString());
        Assert.Equal(sub, await hub.Connection.InvokeAsync<string>("Whoami"));
        await hub.Connection.InvokeAsync("Broadcast", $"hello over {transport}");
        var broadcast = await hub.NextNotificationAsync();
        Assert.Equal($"hello over {transport}", broadcast.GetProperty("text").GetString());
        await hub.Connection.StopAsync();

        var arrived = ArrivedAtHub(mark).ToList();
        Assert.Contains(arrived, r => r.Path.EndsWith("/negotiate", StringComparison.Ordinal));
        Assert.Contains(arrived, r => !r.Path.EndsWith("/negotiate", StringComparison.Ordinal)); // the transport's own requests
        var token = IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens[^1];
        Assert.All(arrived, r =>
        {
            Assert.Equal($"Bearer {token}", r.Header("Authorization"));
            Assert.Null(r.Header("Cookie"));
            Assert.DoesNotContain("access_token", r.Query, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Negotiate_without_the_anti_forgery_header_is_refused_before_the_api()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();

        var negotiate = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}{BffHub.Path}/negotiate?negotiateVersion=1&{mark}", null, ("Origin", bff.Url));

        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.Status);
        Assert.Empty(ArrivedAtHub(mark));
    }

    [Theory]
    [InlineData("GET", "text/event-stream")] // the SSE stream (from a client that sends no fetch metadata)
    [InlineData("GET", "*/*")]               // a long poll
    [InlineData("POST", "*/*")]              // a send, over SSE or long polling
    public async Task A_transport_request_without_the_anti_forgery_header_is_refused_before_the_api(string method, string accept)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();
        var id = await NegotiateAsync(bff, browser, mark);

        var request = await browser.SendAsync(new HttpMethod(method), $"{bff.Url}{BffHub.Path}?id={id}&{mark}", method == "POST" ? new StringContent("{}\u001e") : null, ("Accept", accept), ("Origin", bff.Url));

        Assert.Equal(HttpStatusCode.Unauthorized, request.Status);
        Assert.DoesNotContain(ArrivedAtHub(mark), r => !r.Path.EndsWith("/negotiate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_browsers_event_source_of_the_bffs_own_origin_streams_without_the_header()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();
        var id = await NegotiateAsync(bff, browser, mark);

        // What Chromium sends for `new EventSource(url)` from the BFF's own page: no Origin, no X-CSRF.
        var (status, firstEvent) = await OpenEventStreamAsync(bff, browser, $"{bff.Url}{BffHub.Path}?id={id}&{mark}", ("Accept", "text/event-stream"), ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith(":", firstEvent, StringComparison.Ordinal); // SignalR's SSE transport opens with a comment line
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens[^1]}", Assert.Single(ArrivedAtHub(mark), r => r.Method == "GET").Header("Authorization"));
    }

    [Theory]
    [InlineData("cross-site", "cors", "empty", null)]
    [InlineData("same-site", "cors", "empty", "http://127.0.0.1:1")]   // a sibling origin not in Bff:AllowedOrigins
    [InlineData("same-origin", "cors", "empty", "http://evil.example")] // an Origin that contradicts the fetch metadata
    [InlineData("same-origin", "navigate", "document", null)]          // a navigation, not an EventSource
    [InlineData("same-origin", "no-cors", "empty", null)]
    [InlineData("none", "cors", "empty", null)]
    public async Task An_event_source_request_whose_fetch_metadata_is_not_the_bffs_own_needs_the_header(string site, string mode, string dest, string? origin)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var mark = Mark();
        var id = await NegotiateAsync(bff, browser, mark);
        (string, string)[] headers = [("Accept", "text/event-stream"), ("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", mode), ("Sec-Fetch-Dest", dest)];

        var request = await browser.SendAsync(HttpMethod.Get, $"{bff.Url}{BffHub.Path}?id={id}&{mark}", null, origin is null ? headers : [.. headers, ("Origin", origin)]);

        Assert.Equal(HttpStatusCode.Unauthorized, request.Status);
        Assert.DoesNotContain(ArrivedAtHub(mark), r => !r.Path.EndsWith("/negotiate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_hub_refuses_a_caller_without_a_token()
    {
        await using var bff = await env.StartBffAsync();
        using var anonymous = new TestBrowser();
        var mark = Mark();

        // The "none" route forwards without a token: the API itself refuses the negotiate.
        await using var hub = BffHub.Create(bff.Url, anonymous, HttpTransportType.WebSockets, $"/none{BffHub.Path}?{mark}");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.Connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var negotiate = Assert.Single(ArrivedAtHub(mark));
        Assert.Null(negotiate.Header("Authorization"));
    }

    [Fact]
    public async Task A_hub_connection_without_a_session_is_refused_by_the_bff()
    {
        await using var bff = await env.StartBffAsync();
        using var anonymous = new TestBrowser();
        var mark = Mark();

        await using var hub = BffHub.Create(bff.Url, anonymous, HttpTransportType.WebSockets, $"{BffHub.Path}?{mark}");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.Connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(ArrivedAtHub(mark));
    }

    /// <summary>Negotiates as the SignalR client does (with the header) and returns the connection token.</summary>
    private static async Task<string> NegotiateAsync(TestBff bff, TestBrowser browser, string mark)
    {
        var negotiate = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}{BffHub.Path}/negotiate?negotiateVersion=1&{mark}", null, ("X-CSRF", "1"), ("Origin", bff.Url));
        Assert.Equal(HttpStatusCode.OK, negotiate.Status);
        using var json = JsonDocument.Parse(negotiate.Body);
        return json.RootElement.GetProperty("connectionToken").GetString()!;
    }

    /// <summary>Opens an event stream with the browser's cookie and reads its first line, leaving the stream open no longer.</summary>
    private static async Task<(HttpStatusCode Status, string FirstLine)> OpenEventStreamAsync(TestBff bff, TestBrowser browser, string url, params (string Name, string Value)[] headers)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Cookie", browser.Cookies.GetCookieHeader(new Uri(bff.Url)));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, string.Empty);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return (response.StatusCode, await reader.ReadLineAsync() ?? string.Empty);
    }
}
