using OpenBff.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// Issue 15, item 7 (memory under churn): the Memory store's replay cache of logout-token
/// identifiers keeps each until the expiry the provider gave it, but never more than its bound,
/// however long the provider's tokens live, and still refuses every replay it remembers.
/// </summary>
public sealed class ReplayCacheBoundTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Identifiers_of_long_lived_tokens_are_kept_up_to_the_bound_not_one_per_logout_ever_made()
    {
        var cache = new InMemoryReplayCache(maxEntries: 100);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(await UseAsync(cache, $"jti-{i}", TimeSpan.FromDays(30)));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.InRange(cache.Count, 1, 100);

        // The most recent ones are still remembered: their replays are refused.
        for (var i = 990; i < 1_000; i++)
        {
            Assert.False(await UseAsync(cache, $"jti-{i}", TimeSpan.FromDays(30)));
        }
    }

    [Fact]
    public async Task A_full_cache_makes_room_with_the_nearest_expiry_and_refuses_a_replay_of_that_one()
    {
        var cache = new InMemoryReplayCache(maxEntries: 3);
        Assert.True(await UseAsync(cache, "soonest", TimeSpan.FromMinutes(10)));
        Assert.True(await UseAsync(cache, "b", TimeSpan.FromDays(1)));
        Assert.True(await UseAsync(cache, "c", TimeSpan.FromDays(1)));

        Assert.False(await UseAsync(cache, "soonest", TimeSpan.FromMinutes(10))); // full, but a replay is a replay
        Assert.Equal(3, cache.Count);

        Assert.True(await UseAsync(cache, "d", TimeSpan.FromDays(1)));
        Assert.Equal(3, cache.Count);
        Assert.False(await UseAsync(cache, "b", TimeSpan.FromDays(1)));
        Assert.False(await UseAsync(cache, "c", TimeSpan.FromDays(1)));
        Assert.False(await UseAsync(cache, "d", TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task Expired_identifiers_are_swept_out_and_may_be_used_again()
    {
        var cache = new InMemoryReplayCache();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(await UseAsync(cache, $"jti-{i}", TimeSpan.FromMinutes(2)));
        }

        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.True(await UseAsync(cache, "new", TimeSpan.FromMinutes(2)));

        Assert.Equal(1, cache.Count);
        Assert.True(await UseAsync(cache, "jti-0", TimeSpan.FromMinutes(2))); // its expiry passed
    }

    private Task<bool> UseAsync(InMemoryReplayCache cache, string id, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        return cache.TryUseOnceAsync(id, now + lifetime, now, CancellationToken.None);
    }
}
