using OpenBff.Sessions;

namespace Bff.Tests.Sessions;

/// <summary>
/// What every session store promises, run against each one (Memory, SQLite, Redis, and any store
/// added later: derive a class and create it): the <see cref="IUserSessionStore"/> operations, and
/// each capability the store declares (<see cref="ICountsSessions"/>, <see cref="IReplayCache"/>,
/// <see cref="ICachingUserSessionStore"/>, <see cref="ISessionLocks"/>) as the BFF relies on it.
/// A store shared by several instances also gets a second instance on the same data.
/// </summary>
public abstract class SessionStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    protected IUserSessionStore Store { get; private set; } = null!;

    /// <summary>Another instance on the same data (another BFF node), or <c>null</c> for a store of one process.</summary>
    protected IUserSessionStore? SecondInstance { get; private set; }

    /// <summary>Creates the store under test and, for a shared store, a second instance on the same data.</summary>
    protected abstract Task<(IUserSessionStore Store, IUserSessionStore? SecondInstance)> CreateAsync();

    /// <summary>
    /// For a store that keeps sessions across restarts: disposes <paramref name="store"/> and opens
    /// a new instance on the same data (the process restarted); <c>null</c> for a store in memory.
    /// </summary>
    protected virtual Task<IUserSessionStore?> RestartAsync(IUserSessionStore store) => Task.FromResult<IUserSessionStore?>(null);

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => (Store, SecondInstance) = await CreateAsync();

    public async Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        (SecondInstance as IDisposable)?.Dispose();
        await CleanUpAsync();
    }

    private static UserSession Session(string? sub = null, string? sid = null, DateTimeOffset? expires = null, bool noExpiry = false, byte[]? ticket = null) => new()
    {
        Key = Guid.NewGuid().ToString("N"),
        SubjectId = sub ?? "sub-" + Guid.NewGuid().ToString("N"),
        SessionId = sid,
        Created = Now.AddMinutes(-10),
        Renewed = Now.AddMinutes(-1),
        Expires = noExpiry ? null : expires ?? Now.AddHours(1),
        Ticket = ticket ?? [1, 2, 3, 0, 255],
    };

    private static void AssertSame(UserSession expected, UserSession? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.SubjectId, actual.SubjectId);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.Created.ToUnixTimeMilliseconds(), actual.Created.ToUnixTimeMilliseconds());
        Assert.Equal(expected.Renewed.ToUnixTimeMilliseconds(), actual.Renewed.ToUnixTimeMilliseconds());
        Assert.Equal(expected.Expires?.ToUnixTimeMilliseconds(), actual.Expires?.ToUnixTimeMilliseconds());
        Assert.Equal(expected.Ticket, actual.Ticket);
    }

    [Fact]
    public async Task A_stored_session_reads_back_whole_with_and_without_sid_and_expiry()
    {
        var full = Session(sid: "sid-1", ticket: [.. Enumerable.Range(0, 4096).Select(i => (byte)i)]);
        var bare = Session(noExpiry: true);
        await Store.SetAsync(full, default);
        await Store.SetAsync(bare, default);

        AssertSame(full, await Store.GetAsync(full.Key, default));
        AssertSame(bare, await Store.GetAsync(bare.Key, default));
        Assert.Null(await Store.GetAsync(Guid.NewGuid().ToString("N"), default));
    }

    [Fact]
    public async Task Setting_a_session_again_replaces_it_and_moves_it_between_subjects_and_sids()
    {
        var first = Session(sub: "alice-" + Guid.NewGuid().ToString("N"), sid: "sid-a-" + Guid.NewGuid().ToString("N"));
        await Store.SetAsync(first, default);
        var replaced = first with { SubjectId = "bob-" + Guid.NewGuid().ToString("N"), SessionId = "sid-b-" + Guid.NewGuid().ToString("N"), Ticket = [9, 9], Renewed = Now };
        await Store.SetAsync(replaced, default);

        AssertSame(replaced, await Store.GetAsync(first.Key, default));
        Assert.Empty(await Store.FindAsync(new UserSessionFilter { SubjectId = first.SubjectId }, default));
        Assert.Empty(await Store.FindAsync(new UserSessionFilter { SessionId = first.SessionId }, default));
        Assert.Equal(first.Key, Assert.Single(await Store.FindAsync(new UserSessionFilter { SessionId = replaced.SessionId }, default)).Key);
    }

    [Fact]
    public async Task Deleting_a_session_removes_it_and_deleting_it_again_is_no_error()
    {
        var session = Session(sid: "sid-" + Guid.NewGuid().ToString("N"));
        await Store.SetAsync(session, default);

        await Store.DeleteAsync(session.Key, default);
        await Store.DeleteAsync(session.Key, default);

        Assert.Null(await Store.GetAsync(session.Key, default));
        Assert.Empty(await Store.FindAsync(new UserSessionFilter { SubjectId = session.SubjectId }, default));
        Assert.DoesNotContain(await Store.FindExpiredAsync(Now.AddYears(1), 1000, default), s => s.Key == session.Key);
    }

    [Fact]
    public async Task Find_selects_by_subject_by_sid_and_by_both()
    {
        var user = "user-" + Guid.NewGuid().ToString("N");
        var a = Session(sub: user, sid: "sid-a-" + user);
        var b = Session(sub: user, sid: "sid-b-" + user);
        var other = Session(sid: "sid-a-" + user); // another user in a provider session of the same id
        foreach (var s in new[] { a, b, other })
        {
            await Store.SetAsync(s, default);
        }

        Assert.Equal(new[] { a.Key, b.Key }.Order(), (await Store.FindAsync(new UserSessionFilter { SubjectId = user }, default)).Select(s => s.Key).Order());
        Assert.Equal(new[] { a.Key, other.Key }.Order(), (await Store.FindAsync(new UserSessionFilter { SessionId = a.SessionId }, default)).Select(s => s.Key).Order());
        Assert.Equal(a.Key, Assert.Single(await Store.FindAsync(new UserSessionFilter { SubjectId = user, SessionId = a.SessionId }, default)).Key);
        AssertSame(b, Assert.Single(await Store.FindAsync(new UserSessionFilter { SubjectId = user, SessionId = b.SessionId }, default)));
    }

    [Fact]
    public async Task Delete_by_filter_deletes_only_the_matching_sessions_and_counts_them()
    {
        var user = "user-" + Guid.NewGuid().ToString("N");
        var a = Session(sub: user, sid: "sid-a-" + user);
        var b = Session(sub: user, sid: "sid-b-" + user);
        var other = Session(sid: "sid-c-" + user);
        foreach (var s in new[] { a, b, other })
        {
            await Store.SetAsync(s, default);
        }

        Assert.Equal(1, await Store.DeleteAsync(new UserSessionFilter { SubjectId = user, SessionId = b.SessionId }, default));
        Assert.Equal(1, await Store.DeleteAsync(new UserSessionFilter { SubjectId = user }, default));
        Assert.Equal(0, await Store.DeleteAsync(new UserSessionFilter { SubjectId = user }, default));

        Assert.Null(await Store.GetAsync(a.Key, default));
        Assert.Null(await Store.GetAsync(b.Key, default));
        AssertSame(other, await Store.GetAsync(other.Key, default));
    }

    [Fact]
    public async Task A_filter_with_neither_subject_nor_sid_is_refused_never_a_match_of_everything()
    {
        var session = Session();
        await Store.SetAsync(session, default);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.FindAsync(new UserSessionFilter(), default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(new UserSessionFilter(), default));
        AssertSame(session, await Store.GetAsync(session.Key, default));
    }

    [Fact]
    public async Task Find_expired_gives_the_sessions_expired_at_now_at_most_max_and_never_one_without_expiry()
    {
        var user = "user-" + Guid.NewGuid().ToString("N");
        var at = Now;
        var expired = Enumerable.Range(1, 3).Select(i => Session(sub: user, expires: at.AddMinutes(-i))).ToList();
        var live = Session(sub: user, expires: at.AddMinutes(1));
        var forever = Session(sub: user, noExpiry: true);
        foreach (var s in expired.Append(live).Append(forever))
        {
            await Store.SetAsync(s, default);
        }

        var all = await Store.FindExpiredAsync(at, 1000, default);
        var two = await Store.FindExpiredAsync(at, 2, default);

        Assert.Equal(expired.Select(s => s.Key).Order(), all.Select(s => s.Key).Order());
        Assert.Equal(2, two.Count);
        Assert.All(two, s => Assert.Contains(s.Key, expired.Select(e => e.Key)));
        AssertSame(expired[0], all.Single(s => s.Key == expired[0].Key));
    }

    [Fact]
    public async Task Concurrent_writes_of_different_sessions_all_land()
    {
        var user = "user-" + Guid.NewGuid().ToString("N");
        var sessions = Enumerable.Range(0, 50).Select(_ => Session(sub: user)).ToList();

        await Task.WhenAll(sessions.Select(s => Task.Run(() => Store.SetAsync(s, default))));

        Assert.Equal(50, (await Store.FindAsync(new UserSessionFilter { SubjectId = user }, default)).Count);
    }

    [Fact]
    public async Task A_store_that_counts_counts_the_sessions_not_expired_at_now()
    {
        if (Store is not ICountsSessions counting)
        {
            return; // the capability is optional: a store without it feeds no gauge
        }

        var before = counting.CountActiveSessions(Now);
        await Store.SetAsync(Session(), default);
        await Store.SetAsync(Session(noExpiry: true), default);
        await Store.SetAsync(Session(expires: Now.AddMinutes(-1)), default);

        Assert.Equal(before + 2, counting.CountActiveSessions(Now));
    }

    [Fact]
    public async Task A_replay_cache_takes_an_id_once_even_under_concurrency_and_shares_it_with_other_instances()
    {
        if (Store is not IReplayCache replay)
        {
            return; // the BFF then uses an in-process replay cache
        }

        var id = Guid.NewGuid().ToString("N");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => replay.TryUseOnceAsync(id, Now.AddMinutes(5), Now, default))));

        Assert.Equal(1, results.Count(taken => taken));
        Assert.True(await replay.TryUseOnceAsync(Guid.NewGuid().ToString("N"), Now.AddMinutes(5), Now, default));
        if (SecondInstance is IReplayCache other)
        {
            Assert.False(await other.TryUseOnceAsync(id, Now.AddMinutes(5), Now, default));
        }
    }

    [Fact]
    public async Task Another_instance_sees_every_write_deletion_and_index_change()
    {
        if (SecondInstance is not { } other)
        {
            return; // a store of one process
        }

        var session = Session(sid: "sid-" + Guid.NewGuid().ToString("N"));
        await other.GetAsync(session.Key, default); // a cached miss must not hide the write
        await Store.SetAsync(session, default);
        AssertSame(session, await other.GetAsync(session.Key, default));

        var renewed = session with { Renewed = Now, Ticket = [7] };
        await Store.SetAsync(renewed, default);
        var read = other is ICachingUserSessionStore caching ? await caching.GetFromStoreAsync(session.Key, default) : await other.GetAsync(session.Key, default);
        AssertSame(renewed, read);
        Assert.Equal(session.Key, Assert.Single(await other.FindAsync(new UserSessionFilter { SessionId = session.SessionId }, default)).Key);

        await Store.DeleteAsync(session.Key, default);
        var gone = other is ICachingUserSessionStore caching2 ? await caching2.GetFromStoreAsync(session.Key, default) : await other.GetAsync(session.Key, default);
        Assert.Null(gone);
    }

    [Fact]
    public async Task A_persistent_store_keeps_its_sessions_and_used_ids_across_a_restart()
    {
        var session = Session(sid: "sid-" + Guid.NewGuid().ToString("N"));
        await Store.SetAsync(session, default);
        var id = Guid.NewGuid().ToString("N");
        var hadReplayCache = Store is IReplayCache replay && await replay.TryUseOnceAsync(id, Now.AddMinutes(5), Now, default);

        if (await RestartAsync(Store) is not { } restarted)
        {
            return; // a store in memory: sessions end with the process, as documented
        }

        Store = restarted;
        AssertSame(session, await Store.GetAsync(session.Key, default));
        Assert.Equal(session.Key, Assert.Single(await Store.FindAsync(new UserSessionFilter { SessionId = session.SessionId }, default)).Key);
        if (hadReplayCache)
        {
            Assert.False(await ((IReplayCache)Store).TryUseOnceAsync(id, Now.AddMinutes(5), Now, default));
        }
    }
}
