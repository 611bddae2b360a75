using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Infrastructure;

/// <summary>Test BFFs on the Redis store, as the instances of one deployment sharing a redis-server.</summary>
public static class RedisBff
{
    /// <summary>
    /// Starts a BFF whose sessions are in <paramref name="redis"/>; with <paramref name="client"/>,
    /// as another instance of the BFF that registered it; <paramref name="configure"/> adds settings.
    /// </summary>
    public static Task<TestBff> StartRedisBffAsync(
        this IdpFixture env,
        RedisServer redis,
        (string Id, string Secret)? client = null,
        FakeTimeProvider? time = null,
        Action<Dictionary<string, string?>>? configure = null) =>
        env.StartBffAsync(
            s =>
            {
                s["Bff:Session:Store"] = "Redis";
                s["Bff:Session:Redis"] = redis.ConnectionString;
                configure?.Invoke(s);
            },
            time: time,
            client: client);
}
