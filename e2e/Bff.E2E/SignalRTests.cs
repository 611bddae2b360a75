using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.E2E;

/// <summary>
/// SignalR in Chromium (issue 18, item 3): the logged-in demo SPA connects with
/// <c>@microsoft/signalr</c> through the BFF to the sample API's hub and shows the message the API
/// pushes to it, over each transport (<c>?transport=</c>). Chromium's WebSocket handshake and its
/// <c>EventSource</c> (the SSE transport) carry no <c>X-CSRF</c> header: the BFF admits them on
/// their origin and fetch metadata; every other request of the connection carries the header.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SignalRTests(DemoFixture demo)
{
    private const string Hub = "/api/hubs/notifications";
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 20_000 };

    [Theory]
    [InlineData("websockets")]
    [InlineData("sse")]
    [InlineData("longpolling")]
    public async Task The_logged_in_spa_shows_a_message_the_api_pushes_over(string transport)
    {
        await using var context = await demo.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(demo.Bff.Url);
        await page.ClickAsync("#login");
        await IdpLoginPage.LogInAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", Soon);
        var sub = await page.EvaluateAsync<string>(
            "async () => (await (await fetch('/bff/user', { headers: { 'X-CSRF': '1' } })).json()).find(c => c.type === 'sub').value");
        var hubRequests = new ConcurrentQueue<IRequest>();
        var sockets = new ConcurrentQueue<IWebSocket>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath.StartsWith(Hub, StringComparison.Ordinal))
            {
                hubRequests.Enqueue(request);
            }
        };
        page.WebSocket += (_, socket) => sockets.Enqueue(socket);

        await page.GotoAsync($"{demo.Bff.Url}/?transport={transport}");

        await Expect(page.Locator("#live-status")).ToHaveTextAsync("connected", Soon);
        await Expect(page.Locator("#live-messages .live-welcome")).ToContainTextAsync($"Hello {sub}", new() { Timeout = 20_000 });
        await page.FillAsync("#broadcast-text", $"hi over {transport}");
        await page.ClickAsync("#broadcast");
        await Expect(page.Locator("#live-messages .live-broadcast")).ToContainTextAsync($"hi over {transport}", new() { Timeout = 20_000 });

        // Each transport was the one asked for, and every request it made was admitted by the BFF.
        var requests = hubRequests.ToArray();
        Assert.Contains(requests, r => r.Url.Contains("/negotiate", StringComparison.Ordinal) && r.Headers.GetValueOrDefault("x-csrf") == "1");
        var transportRequests = requests.Where(r => !r.Url.Contains("/negotiate", StringComparison.Ordinal)).ToArray();
        switch (transport)
        {
            case "websockets":
                Assert.Contains(sockets, s => s.Url.Contains(Hub, StringComparison.Ordinal));
                break;
            case "sse":
                var stream = Assert.Single(transportRequests, r => r.Method == "GET");
                Assert.False(stream.Headers.ContainsKey("x-csrf")); // an EventSource cannot send it
                Assert.Equal(200, (await stream.ResponseAsync())?.Status);
                break;
            default:
                Assert.Contains(transportRequests, r => r.Method == "GET");
                Assert.All(transportRequests, r => Assert.Equal("1", r.Headers.GetValueOrDefault("x-csrf")));
                break;
        }
    }
}
