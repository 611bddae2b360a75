using System.Net;
using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bff.Tests.Sessions;

/// <summary>
/// The Redis lock that orders a session's refreshes across instances: kept while its holder lives,
/// free soon after its holder dies. Real redis-server; the lock's lifetime is Redis's (real time).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RedisSessionLockTests(IdpFixture env) : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_live_holder_keeps_the_lock_past_its_lifetime()
    {
        await using var connection = await _redis.ConnectAsync();
        // A 3 s lifetime is extended every second: only a stall of the whole process for 2 s would let
        // it lapse (with the 1 s floor, a 0.7 s stall of a loaded CI machine did).
        var lifetime = TimeSpan.FromSeconds(3);
        var locks = new RedisSessionLocks(connection, "t1:", lifetime);
        var other = new RedisSessionLocks(connection, "t1:", lifetime);

        await using (await locks.AcquireAsync("s", CancellationToken.None))
        {
            var until = DateTime.UtcNow + (2 * lifetime) + TimeSpan.FromSeconds(1); // past twice its lifetime: extended meanwhile
            while (DateTime.UtcNow < until)
            {
                Assert.True(await connection.GetDatabase().KeyExistsAsync("t1:lock:s"), "the held lock lapsed");
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        Assert.False(await connection.GetDatabase().KeyExistsAsync("t1:lock:s")); // released
        await using var next = await other.AcquireAsync("s", CancellationToken.None);
    }

    [Fact]
    public async Task The_lock_of_an_instance_that_died_mid_refresh_is_taken_over_within_the_refresh_timeout()
    {
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["Bff:Session:Store"] = "Redis";
            settings["Bff:Session:Redis"] = _redis.ConnectionString;
            settings["Bff:Tokens:RefreshTimeout"] = "00:00:02";
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await using var admin = await _redis.ConnectAsync();
        var sessionKey = await SingleSessionKeyAsync(admin);

        // Another instance takes the session's lock, then dies (its connection gone: no extension, no release).
        var dying = await _redis.ConnectAsync();
        _ = await new RedisSessionLocks(dying, "bff:", TimeSpan.FromSeconds(2)).AcquireAsync(sessionKey, CancellationToken.None);
        await dying.CloseAsync(allowCommandsToComplete: false);
        dying.Dispose();
        var diedAt = DateTime.UtcNow;

        bff.Time.Advance(TimeSpan.FromMinutes(6)); // the access token expired: the next call must refresh
        HttpStatusCode status;
        do
        {
            status = (await browser.ApiAsync($"{bff.Url}/api/hello")).Status;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow - diedAt < TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(DateTime.UtcNow - diedAt < TimeSpan.FromSeconds(6), $"took {DateTime.UtcNow - diedAt}");
        Assert.Single(env.Idp.Grants(bff.ClientId, "refresh_token"), r => r.Status == 200);
    }

    private static async Task<string> SingleSessionKeyAsync(ConnectionMultiplexer admin)
    {
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "bff:s:*"))
        {
            keys.Add(key.ToString()["bff:s:".Length..]);
        }

        return Assert.Single(keys);
    }
}
