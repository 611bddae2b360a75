using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.E2E;

/// <summary>
/// Cross-site WebSocket hijacking in Chromium (issue 18, item 2). The demo BFF runs on
/// <c>http://localhost:port</c>; a page on another port of <c>localhost</c> is another origin of
/// the same site, so Chromium sends the <c>SameSite=Strict</c> session cookie with the handshake
/// of the WebSocket its script opens to the BFF. Only the origin tells such a page from the SPA:
/// the BFF refuses it (403, warning 3006) before the API sees anything. The same script on a page
/// of <c>Bff:AllowedOrigins</c> (<see cref="DemoFixture.AllowedPages"/>) opens the socket as the
/// user, which shows that the cookie did go with it. The pages of other origins come from real
/// loopback servers (<see cref="PageServer"/>).
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class WebSocketHijackingTests(DemoFixture demo)
{
    /// <summary>Opens a WebSocket from the page; resolves with whether it opened, its first message and its close code.</summary>
    private const string OpenSocketScript = """
        (url) => new Promise((resolve) => {
          const socket = new WebSocket(url);
          let opened = false;
          const timer = setTimeout(() => resolve({ opened, message: null, code: -1 }), 15000);
          const done = (message, code) => { clearTimeout(timer); resolve({ opened, message, code }); };
          socket.onopen = () => { opened = true; };
          socket.onmessage = (e) => { socket.close(); done(String(e.data), 0); };
          socket.onclose = (e) => done(null, e.code);
        })
        """;

    [Fact]
    public async Task The_spa_opens_a_websocket_through_the_bff_and_the_api_gets_the_users_token()
    {
        await using var context = await demo.Browser.NewContextAsync();
        var (page, sub) = await LoggedInAsync(context);

        var socket = await OpenAsync(page);

        Assert.True(socket.Opened, $"closed with {socket.Code}");
        Assert.Equal(sub, JsonDocument.Parse(socket.Message!).RootElement.GetProperty("sub").GetString());
        await ApiSawAsync(socket.Mark);
    }

    [Fact]
    public async Task A_page_on_another_port_of_the_same_site_cannot_open_a_websocket_with_the_users_cookie()
    {
        await using var context = await demo.Browser.NewContextAsync();
        var (_, sub) = await LoggedInAsync(context);
        var warningsBefore = Warnings(demo.OtherPages.Url);

        var hijack = await OpenAsync(await PageAtAsync(context, demo.OtherPages.Url));
        var allowed = await OpenAsync(await PageAtAsync(context, demo.AllowedPages.Url));

        Assert.False(hijack.Opened);
        Assert.Null(hijack.Message);
        Assert.True(allowed.Opened, $"closed with {allowed.Code}: {Refusals()}"); // the same script and cookie, from an allowed origin
        Assert.Equal(sub, JsonDocument.Parse(allowed.Message!).RootElement.GetProperty("sub").GetString());
        await ApiSawAsync(allowed.Mark); // the API's log is in order: had the hijack reached it, it would be there by now
        Assert.DoesNotContain(hijack.Mark, demo.Api.Output, StringComparison.Ordinal);
        Assert.Equal(warningsBefore + 1, Warnings(demo.OtherPages.Url));
    }

    [Fact]
    public async Task A_page_of_another_site_cannot_open_a_websocket_to_the_bff()
    {
        await using var context = await demo.Browser.NewContextAsync();
        await LoggedInAsync(context);
        var warningsBefore = Warnings(demo.OtherPages.IpUrl);

        var crossSite = await OpenAsync(await PageAtAsync(context, demo.OtherPages.IpUrl));
        var control = await OpenAsync(await PageAtAsync(context, demo.AllowedPages.Url));

        Assert.False(crossSite.Opened);
        Assert.True(control.Opened, $"closed with {control.Code}: {Refusals()}");
        await ApiSawAsync(control.Mark);
        Assert.DoesNotContain(crossSite.Mark, demo.Api.Output, StringComparison.Ordinal);
        Assert.Equal(warningsBefore + 1, Warnings(demo.OtherPages.IpUrl)); // refused for its origin (its handshake carried no Strict cookie either)
    }

    /// <summary>Logs alice in through the SPA; returns the SPA's page and her subject.</summary>
    private async Task<(IPage Page, string Sub)> LoggedInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(demo.Bff.Url);
        await page.ClickAsync("#login");
        await IdpLoginPage.LogInAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });
        var sub = await page.EvaluateAsync<string>(
            "async () => (await (await fetch('/bff/user', { headers: { 'X-CSRF': '1' } })).json()).find(c => c.type === 'sub').value");
        return (page, sub);
    }

    /// <summary>A new page at <paramref name="origin"/>.</summary>
    private static async Task<IPage> PageAtAsync(IBrowserContext context, string origin)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(origin + "/");
        return page;
    }

    /// <summary>Opens <c>ws://(the BFF)/api/ws/echo</c> from <paramref name="page"/>'s script, marked so the API's log shows whether it arrived.</summary>
    private async Task<Socket> OpenAsync(IPage page)
    {
        var mark = $"attempt={Guid.NewGuid():N}";
        var url = $"{demo.Bff.Url.Replace("http://", "ws://", StringComparison.Ordinal)}/api/ws/echo?{mark}";
        var result = await page.EvaluateAsync<JsonElement>(OpenSocketScript, url);
        var message = result.GetProperty("message");
        return new Socket(
            mark,
            result.GetProperty("opened").GetBoolean(),
            message.ValueKind == JsonValueKind.String ? message.GetString() : null,
            result.GetProperty("code").GetInt32());
    }

    /// <summary>Waits until the API has logged a request with <paramref name="mark"/> (its request log line).</summary>
    private async Task ApiSawAsync(string mark)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!demo.Api.Output.Contains(mark, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the API never logged {mark}");
            await Task.Delay(50);
        }
    }

    /// <summary>The BFF's refused-upgrade warnings (event 3006) naming <paramref name="origin"/>.</summary>
    private int Warnings(string origin)
    {
        // The simple console formatter writes "warn: OpenBff.BffMiddleware[3006]", then the scopes and the message on the next lines.
        var lines = demo.Bff.Output.Split('\n');
        return Enumerable.Range(0, lines.Length).Count(i =>
            lines[i].Contains("warn: OpenBff.BffMiddleware[3006]", StringComparison.Ordinal)
            && lines.Skip(i + 1).Take(3).Any(line => line.Contains($"Origin '{origin}'", StringComparison.Ordinal)));
    }

    /// <summary>The BFF's refused-upgrade warnings, for failure messages.</summary>
    private string Refusals()
    {
        var lines = demo.Bff.Output.Split('\n');
        return string.Join(" | ", Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].Contains("[3006]", StringComparison.Ordinal))
            .Select(i => string.Join(" ", lines.Skip(i).Take(3).Select(l => l.Trim()))));
    }

    private sealed record Socket(string Mark, bool Opened, string? Message, int Code);
}
