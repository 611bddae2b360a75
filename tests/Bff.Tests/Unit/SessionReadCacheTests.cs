using OpenBff.SessionCache;
using OpenBff.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="SessionReadCache{TSession}"/>: a store's in-memory copy of the sessions it read recently. A read
/// that an invalidation overtook is never kept (a racing write is never undone); entries leave after
/// an idle period and, when given, a maximum age; the cache is bounded.
/// </summary>
public sealed class SessionReadCacheTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    [Fact]
    public void A_remembered_read_is_returned_and_an_unknown_key_is_a_miss()
    {
        var cache = NewCache();
        var session = Session("s1");

        cache.Remember("s1", session, cache.BeginRead());

        Assert.True(cache.TryGet("s1", out var hit));
        Assert.Same(session, hit);
        Assert.False(cache.TryGet("s2", out _));
    }

    [Fact]
    public void A_read_overtaken_by_an_invalidation_is_not_kept()
    {
        var cache = NewCache();
        var read = cache.BeginRead();

        cache.Invalidate("s1"); // a write or delete of the session while the read was under way
        cache.Remember("s1", Session("s1"), read);

        Assert.False(cache.TryGet("s1", out _));
    }

    [Fact]
    public void A_read_overtaken_by_a_clear_is_not_kept()
    {
        var cache = NewCache();
        var read = cache.BeginRead();

        cache.Clear();
        cache.Remember("s1", Session("s1"), read);

        Assert.False(cache.TryGet("s1", out _));
    }

    [Fact]
    public void Invalidate_drops_the_copy_and_a_read_begun_after_it_is_kept()
    {
        var cache = NewCache();
        cache.Remember("s1", Session("s1"), cache.BeginRead());

        cache.Invalidate("s1");
        Assert.False(cache.TryGet("s1", out _));

        cache.Remember("s1", Session("s1"), cache.BeginRead());
        Assert.True(cache.TryGet("s1", out _));
    }

    [Fact]
    public void Clear_drops_every_copy()
    {
        var cache = NewCache();
        cache.Remember("s1", Session("s1"), cache.BeginRead());
        cache.Remember("s2", Session("s2"), cache.BeginRead());

        cache.Clear();

        Assert.Empty(cache.Snapshot());
    }

    [Fact]
    public void An_idle_copy_leaves_one_in_use_stays()
    {
        var cache = NewCache();
        cache.Remember("idle", Session("idle"), cache.BeginRead());
        cache.Remember("used", Session("used"), cache.BeginRead());

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(2));
            Assert.True(cache.TryGet("used", out _));
        }

        Assert.False(cache.TryGet("idle", out _));
    }

    [Fact]
    public void With_a_maximum_age_a_copy_in_constant_use_still_leaves_after_it()
    {
        var cache = NewCache(maxAge: TimeSpan.FromSeconds(30));
        cache.Remember("s1", Session("s1"), cache.BeginRead());

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(cache.TryGet("s1", out _));
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(cache.TryGet("s1", out _));
    }

    [Fact]
    public void It_holds_no_more_sessions_than_its_bound()
    {
        var cache = NewCache(maxEntries: 3);

        for (var i = 0; i < 10; i++)
        {
            cache.Remember($"s{i}", Session($"s{i}"), cache.BeginRead());
        }

        Assert.Equal(3, cache.Count);
        Assert.Contains("s9", cache.Snapshot().Keys); // the last one read is held
    }

    [Fact]
    public void Snapshot_lists_the_sessions_held()
    {
        var cache = NewCache();
        cache.Remember("s1", Session("s1"), cache.BeginRead());
        cache.Remember("s2", Session("s2"), cache.BeginRead());

        Assert.Equal(["s1", "s2"], cache.Snapshot().Keys.Order(StringComparer.Ordinal));
    }

    private SessionReadCache<UserSession> NewCache(int maxEntries = 100, TimeSpan? maxAge = null) =>
        new SessionReadCache<UserSession>(_time, new SessionCacheOptions { StoreReadEntries = maxEntries, StoreReadIdleLifetime = Idle }, maxAge);

    private UserSession Session(string key) => new()
    {
        Key = key,
        SubjectId = "alice",
        Created = _time.GetUtcNow(),
        Renewed = _time.GetUtcNow(),
        Ticket = [1, 2, 3],
    };
}
