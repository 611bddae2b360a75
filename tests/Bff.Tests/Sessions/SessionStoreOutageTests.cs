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
