using System.Net;
using OpenBff.Sessions;
using Bff.Tests.Diagnostics;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Sessions;

/// <summary>
/// A host's own session store gets every feature it has the capability for, found by interface,
/// never by the store's type: the active-sessions gauge (<see cref="ICountsSessions"/>), and an
/// at-once readiness failure and login refusal (<see cref="IReportsAvailability"/>), its own locks
/// (<see cref="ISessionLocks"/>), replay cache (<see cref="IReplayCache"/>) and reads past its cache
/// (<see cref="ICachingUserSessionStore"/>).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class StoreCapabilityTests(IdpFixture env)
{
    [Fact]
    public async Task A_custom_store_that_counts_feeds_the_gauge_and_one_that_reports_availability_is_not_ready_when_down()
    {
        var store = new CustomStore();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<IUserSessionStore>(store));
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(1 + CustomStore.Marker, await meters.ActiveSessionsAsync()); // the store's own count, not a guess

        store.Available = false;
        using var health = new TestBrowser();
        var ready = await health.GetAsync($"{bff.Url}/health/ready");
        using var stranger = new TestBrowser();
        var login = await stranger.GetAsync($"{bff.Url}/bff/login");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("not available", ready.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.Status);
    }

    [Fact]
    public async Task A_custom_store_with_its_own_locks_replay_cache_and_store_reads_gets_each_used()
    {
        var store = new SharedStore();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<IUserSessionStore>(store));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid")!;

        bff.Time.Advance(TimeSpan.FromMinutes(5)); // past the access token's lifetime: a refresh, under the session lock
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var tokens = new LogoutTokens(env.Idp);
        var logoutToken = tokens.Create(tokens.Claims(bff.ClientId, sid, "alice"));
        using var provider = new TestBrowser();
        var first = await provider.SendAsync(HttpMethod.Post, $"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = logoutToken }));
        var replayed = await provider.SendAsync(HttpMethod.Post, $"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = logoutToken }));

        Assert.Single(env.Idp.Grants(bff.ClientId, "refresh_token"));
        Assert.True(store.LocksTaken > 0, "the refresh took the store's own lock");
        Assert.True(store.ReadsFromStore > 0, "the refresh read the session past the store's cache");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.Status);
        Assert.Equal(1, store.IdsUsed); // the replay was refused by the store's cache: no second id recorded
    }

    /// <summary>A host's store: the in-memory one behind its own type, with both capabilities.</summary>
    private sealed class CustomStore : InMemoryBackedStore, ICountsSessions, IReportsAvailability
    {
        public const long Marker = 1000;

        public bool Available { get; set; } = true;

        public bool IsAvailable => Available;

        public long CountActiveSessions(DateTimeOffset now) => Inner.CountActiveSessions(now) + Marker;
    }

    /// <summary>A host's store for several instances: its own locks, replay cache and uncached reads.</summary>
    private sealed class SharedStore : InMemoryBackedStore, ISessionLocks, IReplayCache, ICachingUserSessionStore
    {
        private readonly LocalSessionLocks _locks = new();
        private readonly InMemoryReplayCache _used = new();
        private int _locksTaken;
        private int _readsFromStore;
        private int _idsUsed;

        public int LocksTaken => _locksTaken;

        public int ReadsFromStore => _readsFromStore;

        public int IdsUsed => _idsUsed;

        public Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _locksTaken);
            return _locks.AcquireAsync(sessionKey, cancellationToken);
        }

        public async Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var used = await _used.TryUseOnceAsync(id, expires, now, cancellationToken);
            if (used)
            {
                Interlocked.Increment(ref _idsUsed);
            }

            return used;
        }

        public Task<UserSession?> GetFromStoreAsync(string key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _readsFromStore);
            return Inner.GetAsync(key, cancellationToken);
        }
    }

    /// <summary>A host's own store type, keeping its sessions in the in-memory store.</summary>
    private abstract class InMemoryBackedStore : DelegatingSessionStore
    {
    }
}
