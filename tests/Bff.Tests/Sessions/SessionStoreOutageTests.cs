using System.Diagnostics;
using System.Net;
using Bff.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Bff.Tests.Sessions;

/// <summary>
/// Redis down: every request that needs a session is answered 503 with Retry-After at once (not a
/// 500 after a 5 s timeout), the outage is logged once, a login stops before the password, and the
/// BFF recovers without a restart.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SessionStoreOutageTests(IdpFixture env, ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_down_answers_503_fast_logs_once_and_recovers_without_a_restart()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["Bff:Session:Store"] = "Redis";
            settings["Bff:Session:Redis"] = redis.ConnectionString;
            settings["Bff:Session:RedisOutageLifetime"] = "00:00:00"; // no in-memory copies during the outage
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

        await redis.KillAsync();
        await WaitAsync(async () => (await browser.ApiAsync($"{bff.Url}/bff/user")).Status == HttpStatusCode.ServiceUnavailable);

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await browser.ApiAsync($"{bff.Url}/{(i % 2 == 0 ? "api/hello" : "bff/user")}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
            Assert.Equal("5", response.Header("Retry-After"));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}"); // not the client's 5 s command timeout
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        output.WriteLine($"Redis down: 10 of 10 requests answered 503 with Retry-After, the slowest in {slowest.TotalMilliseconds:F1} ms");

        using var stranger = new TestBrowser();
        var login = await stranger.GetAsync($"{bff.Url}/bff/login");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.Status); // not sent to the provider's password page
        Assert.Null(login.Location);
        Assert.Single(bff.LogLines, l => l.Contains("The session store is unavailable", StringComparison.Ordinal));
        Assert.DoesNotContain(bff.LogLines, l => l.Contains("An unhandled exception", StringComparison.Ordinal));

        await redis.RestartAsync(); // empty: no persistence
        await WaitAsync(async () => (await browser.ApiAsync($"{bff.Url}/bff/user")).Status != HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status); // the session went with Redis's data
        using var again = new TestBrowser();
        await again.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await again.ApiAsync($"{bff.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task During_a_Redis_outage_sessions_in_use_keep_working_from_memory_for_the_configured_time_only()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["Bff:Session:Store"] = "Redis";
            settings["Bff:Session:Redis"] = redis.ConnectionString;
            settings["Bff:Session:RedisOutageLifetime"] = "00:02:00";
        });
        using var inUse = new TestBrowser();
        await inUse.LoginAsync(bff.Url);
        using var idle = new TestBrowser();
        await idle.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await inUse.ApiAsync($"{bff.Url}/api/hello")).Status);
        bff.Time.Advance(TimeSpan.FromSeconds(30)); // the idle session's copy ends (10 s); the one in use is read again
        Assert.Equal(HttpStatusCode.OK, (await inUse.ApiAsync($"{bff.Url}/bff/user")).Status);

        await redis.KillAsync();
        using var stranger = new TestBrowser();
        await WaitAsync(async () => (await stranger.GetAsync($"{bff.Url}/bff/login")).Status == HttpStatusCode.ServiceUnavailable);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await inUse.ApiAsync($"{bff.Url}/api/hello")).Status);
            Assert.Equal(HttpStatusCode.OK, (await inUse.ApiAsync($"{bff.Url}/bff/user")).Status);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await idle.ApiAsync($"{bff.Url}/bff/user")).Status); // not in memory
        var logoutUrl = new UserClaims((await inUse.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;
        var logout = await inUse.GetAsync($"{bff.Url}{logoutUrl}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, logout.Status); // writes wait for the store

        bff.Time.Advance(TimeSpan.FromMinutes(2)); // the outage lifetime is over
        var late = await inUse.ApiAsync($"{bff.Url}/api/hello");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.Status);
        Assert.Equal("5", late.Header("Retry-After"));

        await redis.RestartAsync(); // empty: no persistence
        await WaitAsync(async () => (await inUse.ApiAsync($"{bff.Url}/bff/user")).Status != HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.Unauthorized, (await inUse.ApiAsync($"{bff.Url}/bff/user")).Status); // the copies went with the outage
    }

    [Fact]
    public async Task During_a_Redis_outage_a_session_whose_token_must_be_refreshed_answers_503_at_once_and_keeps_its_refresh_token()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["Bff:Session:Store"] = "Redis";
            settings["Bff:Session:Redis"] = redis.ConnectionString;
            settings["Bff:Session:RedisLocalCacheLifetime"] = "00:10:00";
            settings["Bff:Session:RedisOutageLifetime"] = "00:10:00"; // the copy outlives the access token
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await using (var admin = await redis.ConnectAsync())
        {
            await UntilTheSessionIsReadFromMemoryAsync(admin, browser, bff.Url); // so the outage keeps its copy
        }

        await redis.KillAsync();
        using var stranger = new TestBrowser();
        await WaitAsync(async () => (await stranger.GetAsync($"{bff.Url}/bff/login")).Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status); // the copy answers
        // Both connections (commands, subscription) have failed before the clock jumps: the store keeps the
        // copies of the outage's first failure for a second one within 10 s, on the application's clock.
        await WaitAsync(() => Task.FromResult(bff.LogLines.Count(l => l.Contains("RedisUserSessionStore[1010]", StringComparison.Ordinal) && l.Contains("Change=failed", StringComparison.Ordinal)) >= 2));
        bff.Time.Advance(TimeSpan.FromMinutes(6)); // the access token expired: the call needs a refresh, which must be written

        // Not a wait for the session's Redis lock (the test host's clock is fake: Bff:Tokens:RefreshTimeout
        // would not cut it short here; in production the wait would end in 504 after 5 s).
        var clock = Stopwatch.StartNew();
        var response = await browser.ApiAsync($"{bff.Url}/api/hello");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal("5", response.Header("Retry-After"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        output.WriteLine($"Redis down, token expired: 503 with Retry-After in {clock.Elapsed.TotalMilliseconds:F1} ms");

        Assert.Empty(env.Idp.Grants(bff.ClientId, "refresh_token")); // the refresh token was not used: none can be lost
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status); // the session still reads from memory
    }

    /// <summary>Sends proxied requests until one reads nothing from Redis (HGETALL): the instance holds a copy of the session.</summary>
    private static async Task UntilTheSessionIsReadFromMemoryAsync(StackExchange.Redis.ConnectionMultiplexer admin, TestBrowser browser, string bffUrl)
    {
        var server = admin.GetServers().Single();
        async Task<string?> ReadsAsync() =>
            (await server.InfoAsync("commandstats")).SelectMany(g => g).FirstOrDefault(kv => kv.Key == "cmdstat_hgetall").Value;

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var before = await ReadsAsync();
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);
            if (await ReadsAsync() == before)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the instance read the session from Redis on every request: it keeps no copy");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the Redis client notices a lost or restored connection on its own schedule).</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(100);
        }
    }
}
