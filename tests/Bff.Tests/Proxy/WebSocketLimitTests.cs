using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Proxy;

/// <summary>
/// Issue 18, item 6: <c>Bff:RealTime:MaxConnectionsPerSession</c> bounds the sockets one session
/// holds open (429 beyond it, logged, nothing else affected), and an idle socket lives as long as
/// its YARP cluster's <c>HttpRequest:ActivityTimeout</c>, frames in either direction resetting it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebSocketLimitTests(IdpFixture env)
{
    [Fact]
    public async Task A_socket_beyond_the_sessions_limit_is_429_and_logged_and_nothing_else_is_affected()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:RealTime:MaxConnectionsPerSession"] = "2");
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        await bob.LoginAsync(bff.Url, "bob", "bob");
        using var first = await alice.EchoSocketAsync(bff.Url);
        using var second = await alice.EchoSocketAsync(bff.Url);

        using var third = await alice.WebSocketAsync($"{bff.Url}/api/ws/echo", headers: ("Origin", bff.Url));

        Assert.False(third.IsOpen);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.Contains(bff.LogLines, l => l.Contains("refused with 429", StringComparison.Ordinal) && l.Contains("Bff:RealTime:MaxConnectionsPerSession (2)", StringComparison.Ordinal));
        Assert.True(await first.EchoesAsync("first"));
        Assert.True(await second.EchoesAsync("second"));
        Assert.Equal(HttpStatusCode.OK, (await alice.ApiAsync($"{bff.Url}/api/hello")).Status);
        using var bobs = await bob.EchoSocketAsync(bff.Url);
        Assert.True(await bobs.EchoesAsync("bob"));
    }

    [Fact]
    public async Task A_closed_socket_gives_its_place_back()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:RealTime:MaxConnectionsPerSession"] = "1");
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using (var first = await alice.EchoSocketAsync(bff.Url))
        {
            await first.CloseAsync();
        }

        // The BFF lets the place go when its forwarding of the closed socket has finished: moments later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        BrowserSocket again;
        while (true)
        {
            again = await alice.WebSocketAsync($"{bff.Url}/api/ws/echo", headers: ("Origin", bff.Url));
            if (again.IsOpen || DateTime.UtcNow > deadline)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, again.Status);
            again.Dispose();
            await Task.Delay(20);
        }

        using var _ = again;
        Assert.True(again.IsOpen, $"the closed socket's place was never given back: {(int)again.Status}");
    }

    [Fact]
    public async Task An_idle_socket_is_closed_after_its_clusters_activity_timeout_and_an_active_one_is_not()
    {
        await using var bff = await env.StartBffAsync(s => s["ReverseProxy:Clusters:api:HttpRequest:ActivityTimeout"] = "00:00:02");
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        using var socket = await alice.EchoSocketAsync(bff.Url);

        for (var i = 0; i < 8; i++) // 4 seconds, twice the timeout, with a frame each way every half second
        {
            Assert.True(await socket.EchoesAsync($"active {i}"), $"closed while active, after {i} messages");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(await socket.EndedByServerAsync(TimeSpan.FromSeconds(15)), "the idle socket was never closed");
    }
}
