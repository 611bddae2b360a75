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

    [Fact]
    public async Task Callers_that_miss_together_share_one_read_and_its_copy_is_kept()
    {
        var cache = NewCache();
        var store = new HeldReads(cache);

        var callers = Enumerable.Range(0, 3).Select(_ => cache.ReadOnceAsync("s1", store.ReadAsync)).ToArray();
        Assert.Equal(1, store.Started);

        var session = Session("s1");
        store.Complete(0, session);
        foreach (var caller in callers)
        {
            Assert.Same(session, await caller);
        }

        Assert.True(cache.TryGet("s1", out var kept));
        Assert.Same(session, kept);
        Assert.Equal(0, cache.ReadsUnderWay);
    }

    [Fact]
    public async Task A_read_begun_before_an_invalidation_is_not_joined_and_its_copy_is_not_kept()
    {
        var cache = NewCache();
        var store = new HeldReads(cache);
        var early = cache.ReadOnceAsync("s1", store.ReadAsync);

        cache.Invalidate("s1"); // a write or delete of the session while the first read is under way
        var late = cache.ReadOnceAsync("s1", store.ReadAsync);
        Assert.Equal(2, store.Started);

        var before = Session("s1");
        var after = Session("s1");
        store.Complete(0, before);
        store.Complete(1, after);
        Assert.Same(before, await early);
        Assert.Same(after, await late);
        Assert.True(cache.TryGet("s1", out var kept));
        Assert.Same(after, kept);
    }

    [Fact]
    public async Task Different_sessions_are_read_separately()
    {
        var cache = NewCache();
        var store = new HeldReads(cache);

        var one = cache.ReadOnceAsync("s1", store.ReadAsync);
        var two = cache.ReadOnceAsync("s2", store.ReadAsync);
        Assert.Equal(2, store.Started);

        store.Complete(0, Session("s1"));
        store.Complete(1, null);
        Assert.Equal("s1", (await one)!.Key);
        Assert.Null(await two);
    }

    [Fact]
    public async Task A_failed_read_fails_every_caller_that_joined_it_and_the_next_call_reads_again()
    {
        var cache = NewCache();
        var store = new HeldReads(cache);
        var first = cache.ReadOnceAsync("s1", store.ReadAsync);
        var joined = cache.ReadOnceAsync("s1", store.ReadAsync);

        store.Fail(0, new SessionStoreUnavailableException("down"));
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => first);
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => joined);
        Assert.Equal(0, cache.ReadsUnderWay);

        var again = cache.ReadOnceAsync("s1", store.ReadAsync);
        Assert.Equal(2, store.Started);
        store.Complete(1, Session("s1"));
        Assert.NotNull(await again);
    }

    /// <summary>A store whose reads answer when the test says so; each keeps its copy as a store's read does.</summary>
    private sealed class HeldReads(SessionReadCache<UserSession> cache)
    {
        private readonly List<TaskCompletionSource<UserSession?>> _reads = [];

        public int Started => _reads.Count;

        public async Task<UserSession?> ReadAsync(string key, long version)
        {
            var read = new TaskCompletionSource<UserSession?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _reads.Add(read);
            var session = await read.Task;
            if (session is not null)
            {
                cache.Remember(key, session, version);
            }

            return session;
        }

        public void Complete(int read, UserSession? session) => _reads[read].SetResult(session);

        public void Fail(int read, Exception exception) => _reads[read].SetException(exception);
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
