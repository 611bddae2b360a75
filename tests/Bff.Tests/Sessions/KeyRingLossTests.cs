using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Sessions;

/// <summary>
/// A Redis without persistence restarts: the data-protection key ring in it is gone, instances
/// started since make new keys, and cookies from older instances fail on them. That is now said
/// (an error naming the cause), and a key ring kept in a shared folder avoids it.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class KeyRingLossTests(IdpFixture env)
{
    private Task<TestBff> StartOnRedisAsync(RedisServer redis, (string, string)? client = null, string? keysPath = null) =>
        env.StartBffAsync(
            settings =>
            {
                settings["Bff:Session:Store"] = "Redis";
                settings["Bff:Session:Redis"] = redis.ConnectionString;
                if (keysPath is not null)
                {
                    settings["Bff:DataProtectionKeysPath"] = keysPath;
                }
            },
            client: client);

    [Fact]
    public async Task A_cookie_protected_with_a_key_the_instance_lacks_is_401_and_logged_as_a_lost_key_ring()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var older = await StartOnRedisAsync(redis);
        using var browser = new TestBrowser();
        await browser.LoginAsync(older.Url);

        await redis.RestartAsync(); // no persistence: sessions and the key ring are gone
        await using var newer = await StartOnRedisAsync(redis, (older.ClientId, older.ClientSecret));
        using var first = new TestBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.ApiAsync($"{newer.Url}/bff/user")).Status); // newer makes its own key now

        await WaitAsync(async () => (await browser.ApiAsync($"{older.Url}/bff/user")).Status == HttpStatusCode.Unauthorized);
        await browser.LoginAsync(older.Url); // protected with the older instance's key, which Redis no longer has
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{older.Url}/bff/user")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{newer.Url}/bff/user")).Status);
        Assert.Single(newer.LogLines, l => l.Contains("which this instance's key ring does not have", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_ring_in_a_shared_folder_survives_redis_losing_its_data()
    {
        await using var redis = await RedisServer.StartAsync();
        var keys = env.NewFolder();
        await using var older = await StartOnRedisAsync(redis, keysPath: keys);
        using var browser = new TestBrowser();
        await browser.LoginAsync(older.Url);

        await redis.RestartAsync();
        await using var newer = await StartOnRedisAsync(redis, (older.ClientId, older.ClientSecret), keys);
        await WaitAsync(async () => (await browser.ApiAsync($"{older.Url}/bff/user")).Status == HttpStatusCode.Unauthorized);
        await browser.LoginAsync(older.Url);

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{newer.Url}/bff/user")).Status); // the same keys everywhere
        Assert.DoesNotContain(newer.LogLines, l => l.Contains("key ring does not have", StringComparison.Ordinal));
    }

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
