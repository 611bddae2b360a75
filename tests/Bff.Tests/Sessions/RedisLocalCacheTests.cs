using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Sessions;

/// <summary>
/// The Redis store's in-memory copies of sessions in use (<c>Bff:Session:RedisLocalCacheLifetime</c>):
/// no Redis round trip per request, and every change made anywhere seen without waiting for the
/// copy to age out. Real redis-server; Redis is asked what it executed (INFO commandstats).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RedisLocalCacheTests(IdpFixture env) : IAsyncLifetime
{
    /// <summary>Far longer than any wait below: only an invalidation can explain a session ending in time.</summary>
    private const string LongLifetime = "00:10:00";

    private RedisServer _redis = null!;
    private ConnectionMultiplexer _admin = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _admin = await _redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private IServer Server => _admin.GetServers().Single();

    private Task<TestBff> StartNodeAsync(string lifetime, (string Id, string Secret)? client = null, FakeTimeProvider? time = null) =>
        env.StartRedisBffAsync(_redis, client, time, s => s["Bff:Session:RedisLocalCacheLifetime"] = lifetime);

    [Fact]
    public async Task Requests_for_a_session_in_use_read_no_session_from_Redis()
    {
        await using var node = await StartNodeAsync(LongLifetime);
        using var browser = new TestBrowser();
        await browser.LoginAsync(node.Url);
        await UntilTheNodeKeepsACopyAsync(browser, node.Url);

        Assert.Equal(0, await SessionReadsDuringAsync(browser, node.Url, requests: 20));
    }

    [Fact]
    public async Task With_a_lifetime_of_zero_every_request_reads_the_session_from_Redis()
    {
        await using var node = await StartNodeAsync("00:00:00");
        using var browser = new TestBrowser();
        await browser.LoginAsync(node.Url);

        Assert.True(await SessionReadsDuringAsync(browser, node.Url, requests: 20) >= 20);
    }

    [Fact]
    public async Task A_logout_on_one_node_ends_the_session_on_a_node_that_holds_a_copy_of_it()
    {
        await using var a = await StartNodeAsync(LongLifetime);
        await using var b = await StartNodeAsync(LongLifetime, (a.ClientId, a.ClientSecret));
        using var browser = new TestBrowser();
        await browser.LoginAsync(a.Url);
        await UntilTheNodeKeepsACopyAsync(browser, a.Url);
        var stolen = browser.CookieValue(a.Url, "__Host-bff")!;
        var user = await browser.ApiAsync($"{b.Url}/bff/user");

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"{b.Url}{new UserClaims(user.Body).LogoutUrl}")).Status);

        // The browser dropped its cookie at logout; a copy of it, replayed to node a, must stop working.
        using var replay = new TestBrowser();
        Assert.True(
            await EndsWithinAsync(replay, $"{a.Url}/api/hello", TimeSpan.FromSeconds(5), ("X-CSRF", "1"), ("Cookie", $"__Host-bff={stolen}")),
            "node a kept using its copy of the ended session");
    }

    [Fact]
    public async Task A_refresh_on_one_node_is_used_by_the_other_node_without_a_second_refresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartNodeAsync(LongLifetime, time: time);
        await using var b = await StartNodeAsync(LongLifetime, (a.ClientId, a.ClientSecret), time);
        using var browser = new TestBrowser();
        await browser.LoginAsync(a.Url);
        var first = await BearerSentThroughAsync(browser, a.Url);
        Assert.Equal(first, await BearerSentThroughAsync(browser, b.Url)); // both hold a copy

        time.Advance(TimeSpan.FromMinutes(6)); // the access token is due for refresh
        var refreshed = await BearerSentThroughAsync(browser, a.Url);
        Assert.NotEqual(first, refreshed);

        Assert.Equal(refreshed, await BearerSentThroughAsync(browser, b.Url));
        Assert.Single(env.Idp.Grants(a.ClientId, "refresh_token")); // b never refreshed with the rotated-away token
    }

    [Fact]
    public async Task A_copy_is_not_used_longer_than_the_configured_lifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await StartNodeAsync("00:00:30", time: time);
        using var browser = new TestBrowser();
        await browser.LoginAsync(node.Url);
        await UntilTheNodeKeepsACopyAsync(browser, node.Url);

        await DeleteSessionsWithoutNotificationAsync(); // as if the invalidation message were lost
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{node.Url}/api/hello")).Status); // the copy, within its lifetime

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{node.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task When_its_copy_ages_out_the_requests_in_flight_for_a_session_read_it_from_Redis_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await StartNodeAsync("00:00:30", time: time);
        using var browser = new TestBrowser();
        await browser.LoginAsync(node.Url);
        await UntilTheNodeKeepsACopyAsync(browser, node.Url);
        time.Advance(TimeSpan.FromSeconds(31)); // the copy aged out: every request for the session now misses it

        var before = await SessionReadsAsync();
        // Redis holds every command for half a second: the requests reach the store while the first read waits.
        await Server.ExecuteAsync("CLIENT", "PAUSE", "500", "ALL");
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => browser.ApiAsync($"{node.Url}/api/hello")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Equal(1, await SessionReadsAsync() - before);
        Assert.Equal(0, await SessionReadsDuringAsync(browser, node.Url, requests: 5)); // and its copy is kept
    }

    [Fact]
    public async Task A_node_that_loses_its_Redis_connection_drops_its_copies()
    {
        await using var node = await StartNodeAsync(LongLifetime);
        using var browser = new TestBrowser();
        await browser.LoginAsync(node.Url);
        await UntilTheNodeKeepsACopyAsync(browser, node.Url);

        await DeleteSessionsWithoutNotificationAsync();
        await Server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub"); // messages sent now would be lost
        await Server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");

        Assert.True(await EndsWithinAsync(browser, $"{node.Url}/api/hello", TimeSpan.FromSeconds(10), ("X-CSRF", "1")), "the node kept using a copy across a lost connection");

        // Once reconnected and subscribed again, sessions in use are kept in memory again.
        using var again = new TestBrowser();
        await again.LoginAsync(node.Url);
        await UntilTheNodeKeepsACopyAsync(again, node.Url);
    }

    private async Task<string?> BearerSentThroughAsync(TestBrowser browser, string bffUrl)
    {
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);
        return env.Api.Recorder.To("/api/hello").Last().Header("Authorization");
    }

    /// <summary>
    /// Sends requests until one reads nothing from Redis: the node has confirmed its subscription
    /// and keeps a copy of the session. Fails when that does not happen within a few seconds.
    /// </summary>
    private async Task UntilTheNodeKeepsACopyAsync(TestBrowser browser, string bffUrl)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            var before = await SessionReadsAsync();
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);
            if (await SessionReadsAsync() == before)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("The node read the session from Redis on every request: it keeps no copy.");
    }

    [Fact]
    public async Task A_node_refused_the_invalidation_channel_reads_Redis_on_every_request_and_says_so_once()
    {
        // An ACL user that may publish but not subscribe.
        await Server.ExecuteAsync("ACL", "SETUSER", "nosub", "on", ">nosub-secret", "~*", "&*", "+@all", "-subscribe");
        await using var node = await env.StartBffAsync(s =>
        {
            s["Bff:Session:Store"] = "Redis";
            s["Bff:Session:Redis"] = $"{_redis.ConnectionString},user=nosub,password=nosub-secret";
            s["Bff:Session:RedisLocalCacheLifetime"] = LongLifetime;
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(node.Url);

        Assert.True(await SessionReadsDuringAsync(browser, node.Url, requests: 20) >= 20);
        Assert.Single(node.LogLines, line => line.Contains("cannot subscribe to its invalidation channel", StringComparison.Ordinal));
    }

    /// <summary>Sends <paramref name="requests"/> proxied requests (each must answer 200); how many session reads Redis executed meanwhile.</summary>
    private async Task<long> SessionReadsDuringAsync(TestBrowser browser, string bffUrl, int requests)
    {
        var before = await SessionReadsAsync();
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);
        }

        return await SessionReadsAsync() - before;
    }

    /// <summary>How many times Redis executed HGETALL (the store's read of one session).</summary>
    private async Task<long> SessionReadsAsync()
    {
        var stats = await Server.InfoAsync("commandstats");
        var line = stats.SelectMany(g => g).FirstOrDefault(kv => kv.Key == "cmdstat_hgetall").Value;
        if (line is null)
        {
            return 0;
        }

        var calls = line.Split(',').Single(p => p.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..];
        return long.Parse(calls, CultureInfo.InvariantCulture);
    }

    private async Task DeleteSessionsWithoutNotificationAsync()
    {
        var keys = new List<RedisKey>();
        await foreach (var key in Server.KeysAsync(pattern: "bff:s:*"))
        {
            keys.Add(key);
        }

        Assert.NotEmpty(keys);
        await _admin.GetDatabase().KeyDeleteAsync([.. keys]);
    }

    /// <summary>Asks until the BFF answers 401 (a notification travels asynchronously), at most <paramref name="within"/>.</summary>
    private static async Task<bool> EndsWithinAsync(TestBrowser browser, string url, TimeSpan within, params (string Name, string Value)[] headers)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if ((await browser.GetAsync(url, headers)).Status == HttpStatusCode.Unauthorized)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
