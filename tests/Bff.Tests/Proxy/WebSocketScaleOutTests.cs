using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Proxy;

/// <summary>
/// Issue 18, item 4, across instances: two BFF instances share one real redis-server; a session
/// ended on one closes its WebSockets on the other (the store publishes every session write and
/// delete on <c>{prefix}invalidate</c>; the other instance reads the session again), and a session
/// merely written there (a refresh) keeps them.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class WebSocketScaleOutTests(IdpFixture env) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private Task<TestBff> StartNodeAsync((string Id, string Secret)? client = null, FakeTimeProvider? time = null) =>
        env.StartRedisBffAsync(_redis, client, time, s => s["Logging:LogLevel:OpenBff.RealTime"] = "Debug"); // the other instance's reading of the session, awaited below

    private static async Task PollAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + Within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Logout_on_one_instance_closes_the_sessions_websockets_on_the_other()
    {
        await using var a = await StartNodeAsync();
        await using var b = await StartNodeAsync((a.ClientId, a.ClientSecret));
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();
        await alice.LoginAsync(a.Url); // the cookie is for the host, so the browser sends it to both instances
        await bob.LoginAsync(a.Url, "bob", "bob");
        using var onB = await alice.EchoSocketAsync(b.Url);
        using var bobsOnB = await bob.EchoSocketAsync(b.Url);
        var logoutUrl = new UserClaims((await alice.ApiAsync($"{a.Url}/bff/user")).Body).LogoutUrl;

        Assert.Equal(HttpStatusCode.Redirect, (await alice.GetAsync($"{a.Url}{logoutUrl}")).Status);

        Assert.True(await onB.EndedByServerAsync(Within), "the socket on the other instance outlived the logout");
        Assert.True(await bobsOnB.EchoesAsync("still here"));
    }

    [Fact]
    public async Task A_refresh_on_one_instance_keeps_the_sessions_websockets_on_the_other()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartNodeAsync(time: time);
        await using var b = await StartNodeAsync((a.ClientId, a.ClientSecret), time);
        using var alice = new TestBrowser();
        await alice.LoginAsync(a.Url);
        using var onB = await alice.EchoSocketAsync(b.Url);

        time.Advance(TimeSpan.FromMinutes(6)); // the access token expired: the call on A refreshes and writes the session
        Assert.Equal(HttpStatusCode.OK, (await alice.ApiAsync($"{a.Url}/api/hello")).Status);
        Assert.Single(env.Idp.Grants(a.ClientId, "refresh_token"));

        await PollAsync(() => b.LogLines.Any(l => l.Contains("A session with open WebSockets was read again and goes on", StringComparison.Ordinal)), "B never read the session again after A's write");
        Assert.True(await onB.EchoesAsync("after the refresh"));
        Assert.DoesNotContain(b.LogLines, l => l.Contains("WebSocket (upgraded) connection(s) of a session", StringComparison.Ordinal));
    }
}
