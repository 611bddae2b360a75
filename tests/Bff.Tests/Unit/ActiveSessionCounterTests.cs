using System.Diagnostics.Metrics;
using OpenBff.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="ActiveSessionCounter"/>, the <c>bff.sessions.active</c> gauge's callback: it never
/// queries the store itself; it reports the last count and starts one background recount when that
/// count is <see cref="ActiveSessionCounter.RefreshInterval"/> old; a failed count keeps the previous
/// one, but not past <see cref="ActiveSessionCounter.MaxAge"/>. The store is the in-memory one,
/// wrapped to count its queries and to hold or fail them.
/// </summary>
public sealed class ActiveSessionCounterTests : IDisposable
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CountedStore _store = new();
    private readonly FakeLogger<ActiveSessionCounter> _logger = new();
    private readonly ServiceProvider _services;
    private readonly ActiveSessionCounter _counter;

    public ActiveSessionCounterTests()
    {
        _services = new ServiceCollection().AddSingleton<IUserSessionStore>(_store).BuildServiceProvider();
        _counter = new ActiveSessionCounter(_services, _time, _logger);
    }

    [Fact]
    public async Task The_first_collection_reports_nothing_and_the_next_reports_the_count_it_started()
    {
        await AddSessionAsync("s1");
        _store.Hold();

        Assert.Empty(_counter.Observe());
        _store.Release();
        await _counter.Recounting.WaitAsync(Quickly);

        Assert.Equal([1L], Values(_counter.Observe()));
        Assert.Equal(1, _store.Queries);
    }

    [Fact]
    public async Task A_collection_does_not_query_the_store_while_the_count_is_younger_than_the_refresh_interval()
    {
        await CountAsync();
        await AddSessionAsync("s1");

        _time.Advance(ActiveSessionCounter.RefreshInterval - TimeSpan.FromSeconds(1));

        Assert.Equal([0L], Values(_counter.Observe()));
        Assert.Equal([0L], Values(_counter.Observe()));
        Assert.Equal(1, _store.Queries); // the first count only
    }

    [Fact]
    public async Task A_count_due_for_refresh_starts_exactly_one_recount_however_many_collections_observe_it_meanwhile()
    {
        await CountAsync();
        await AddSessionAsync("s1");
        _time.Advance(ActiveSessionCounter.RefreshInterval);
        _store.Hold();

        using var start = new Barrier(8);
        var collections = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Quickly); // all at once, each on its own thread
                return Values(_counter.Observe());
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));
        var observed = await Task.WhenAll(collections).WaitAsync(Quickly); // none waits for the held query

        Assert.All(observed, values => Assert.Equal([0L], values)); // the previous count meanwhile
        await _store.WaitForQueriesAsync(2); // the recount runs on the thread pool: wait until it reached the store
        Assert.Equal(2, _store.Queries);
        _store.Release();
        await _counter.Recounting.WaitAsync(Quickly);
        Assert.Equal(2, _store.Queries);
    }

    [Fact]
    public async Task The_recounted_value_is_reported_once_the_recount_completes()
    {
        await CountAsync();
        await AddSessionAsync("s1");
        await AddSessionAsync("s2");
        _time.Advance(ActiveSessionCounter.RefreshInterval);
        _store.Hold();

        Assert.Equal([0L], Values(_counter.Observe()));
        _store.Release();
        await _counter.Recounting.WaitAsync(Quickly);

        Assert.Equal([2L], Values(_counter.Observe()));
    }

    [Fact]
    public async Task A_failed_count_is_logged_and_the_previous_count_reported_until_it_is_older_than_the_max_age()
    {
        await AddSessionAsync("s1");
        await CountAsync();
        _store.Fail = true;

        _time.Advance(ActiveSessionCounter.RefreshInterval);
        Assert.Equal([1L], Values(_counter.Observe())); // starts a recount, which fails
        await _counter.Recounting.WaitAsync(Quickly);
        Assert.Equal([1L], Values(_counter.Observe()));
        Assert.Equal(5003, Assert.Single(_logger.Collector.GetSnapshot()).Id.Id);

        _time.Advance(ActiveSessionCounter.MaxAge - ActiveSessionCounter.RefreshInterval);
        Assert.Equal([1L], Values(_counter.Observe())); // exactly the max age: still reported
        await _counter.Recounting.WaitAsync(Quickly);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(_counter.Observe());
        Assert.Equal(3, _store.Queries);
    }

    [Fact]
    public async Task A_failed_count_is_retried_after_the_refresh_interval_not_at_every_collection()
    {
        await CountAsync();
        _store.Fail = true;
        _time.Advance(ActiveSessionCounter.RefreshInterval);
        _counter.Observe();
        await _counter.Recounting.WaitAsync(Quickly);
        _store.Fail = false;
        await AddSessionAsync("s1");

        _time.Advance(ActiveSessionCounter.RefreshInterval - TimeSpan.FromSeconds(1));
        _counter.Observe();
        await _counter.Recounting.WaitAsync(Quickly);
        Assert.Equal(2, _store.Queries);

        _time.Advance(TimeSpan.FromSeconds(1));
        _counter.Observe();
        await _counter.Recounting.WaitAsync(Quickly);
        Assert.Equal([1L], Values(_counter.Observe()));
        Assert.Equal(3, _store.Queries);
    }

    [Fact]
    public async Task An_explicit_count_queries_the_store_every_time()
    {
        await CountAsync();
        await AddSessionAsync("s1");

        Assert.Equal(1, _counter.Count());
        Assert.Equal(1, _counter.Count());
        Assert.Equal(3, _store.Queries);
    }

    public void Dispose()
    {
        _store.Release();
        _services.Dispose();
    }

    private static long[] Values(IEnumerable<Measurement<long>> measurements) => measurements.Select(m => m.Value).ToArray();

    /// <summary>The first collection, and its count completed.</summary>
    private async Task CountAsync()
    {
        _counter.Observe();
        await _counter.Recounting.WaitAsync(Quickly);
        Assert.Equal(1, _store.Queries);
    }

    private Task AddSessionAsync(string key) => _store.SetAsync(
        new UserSession
        {
            Key = key,
            SubjectId = "alice",
            Created = _time.GetUtcNow(),
            Renewed = _time.GetUtcNow(),
            Expires = _time.GetUtcNow() + TimeSpan.FromHours(8),
            Ticket = [1, 2, 3],
        },
        CancellationToken.None);

    /// <summary>The in-memory store, counting its count queries; each can be held until released, or fail.</summary>
    private sealed class CountedStore : IUserSessionStore, ICountsSessions
    {
        private readonly InMemoryUserSessionStore _inner = new();
        private readonly ManualResetEventSlim _open = new(initialState: true);
        private readonly SemaphoreSlim _entered = new(0);
        private int _queries;

        public int Queries => Volatile.Read(ref _queries);

        /// <summary>Waits until at least <paramref name="count"/> count queries have reached the store.</summary>
        public async Task WaitForQueriesAsync(int count)
        {
            while (Queries < count)
            {
                if (!await _entered.WaitAsync(Quickly))
                {
                    throw new TimeoutException($"{count} count queries never reached the store ({Queries} did)");
                }
            }
        }

        public bool Fail { get; set; }

        public void Hold() => _open.Reset();

        public void Release() => _open.Set();

        public long CountActiveSessions(DateTimeOffset now)
        {
            Interlocked.Increment(ref _queries);
            _entered.Release();
            if (!_open.Wait(Quickly))
            {
                throw new TimeoutException("the test never released the count");
            }

            return Fail ? throw new InvalidOperationException("the store is down") : _inner.CountActiveSessions(now);
        }

        public Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

        public Task SetAsync(UserSession session, CancellationToken cancellationToken) => _inner.SetAsync(session, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => _inner.DeleteAsync(key, cancellationToken);

        public Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken) => _inner.FindAsync(filter, cancellationToken);

        public Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken) => _inner.DeleteAsync(filter, cancellationToken);

        public Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => _inner.FindExpiredAsync(now, max, cancellationToken);
    }
}
