using System.Collections.Concurrent;

namespace OpenBff.SessionCache;

/// <summary>
/// A store's copy, in process memory, of the sessions it read recently, so a request for a
/// session in use costs no store round trip. Bounded in entries (when full, the session least
/// recently used makes room: <see cref="ClockCache{TValue}"/>); an entry leaves after an idle
/// period, and after <c>maxAge</c> since it was read when one is given. A write or delete of the
/// session must call <see cref="Invalidate"/> before and after it touches the store, and every read
/// that fills the cache goes through <see cref="BeginRead"/> / <see cref="Remember"/>: a read that an
/// invalidation overtook is then never kept, so a racing write is never undone.
/// <para>
/// <see cref="ReadOnceAsync"/> reads a session missing from the cache once for all the requests
/// that need it at the same moment (when a copy ages out, every request of that session in flight
/// misses together): a request joins a read of the same key only when no invalidation happened
/// since that read began, so it is answered exactly as the cache would have answered it.
/// </para>
/// </summary>
internal sealed class SessionReadCache<TSession>
    where TSession : class
{
    private readonly ClockCache<TSession> _cache;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _maxAge;
    private readonly ConcurrentDictionary<string, Flight> _reads = new(StringComparer.Ordinal);
    private long _version;

    public SessionReadCache(TimeProvider time, SessionCacheOptions options, TimeSpan? maxAge = null)
    {
        _cache = new ClockCache<TSession>(options.StoreReadEntries, time, options.StoreReadIdleLifetime, options.SweepInterval);
        _time = time;
        _maxAge = maxAge;
    }

    /// <summary>Sessions held now.</summary>
    public int Count => _cache.Count;

    public bool TryGet(string key, out TSession? session) => _cache.TryGet(key, out session);

    /// <summary>Call before reading the store; pass the result to <see cref="Remember"/>.</summary>
    public long BeginRead() => Interlocked.Read(ref _version);

    /// <summary>Keeps what a read returned, unless an invalidation happened since <see cref="BeginRead"/>.</summary>
    public void Remember(string key, TSession session, long readVersion)
    {
        if (Interlocked.Read(ref _version) != readVersion)
        {
            return;
        }

        _cache.Set(key, session, _maxAge is { } maxAge ? _time.GetUtcNow() + maxAge : null);

        // An invalidation between the check above and the Set: it may have run before the entry
        // existed, so remove it here (at worst one extra read).
        if (Interlocked.Read(ref _version) != readVersion)
        {
            _cache.Remove(key);
        }
    }

    /// <summary>
    /// The session <paramref name="key"/> as <paramref name="read"/> returns it, reading once for
    /// every caller that asks while a read of the key begun since the last invalidation is under way.
    /// <paramref name="read"/> receives the key and the version to pass to <see cref="Remember"/>.
    /// A failed read fails every caller that joined it; the next call reads again.
    /// </summary>
    public async Task<TSession?> ReadOnceAsync(string key, Func<string, long, Task<TSession?>> read)
    {
        Flight mine;
        while (true)
        {
            // A read is joined only when no invalidation happened since it began: it then answers
            // what a read begun now would (the version is read again on every attempt).
            var version = BeginRead();
            if (_reads.TryGetValue(key, out var current))
            {
                if (current.Version == version)
                {
                    return await current.Result.Task.ConfigureAwait(false);
                }

                if (_reads.TryUpdate(key, mine = new Flight(version), current))
                {
                    break;
                }
            }
            else if (_reads.TryAdd(key, mine = new Flight(version)))
            {
                break;
            }
        }

        try
        {
            var session = await read(key, mine.Version).ConfigureAwait(false);
            mine.Result.SetResult(session);
            return session;
        }
        catch (Exception ex)
        {
            mine.Result.SetException(ex);
            _ = mine.Result.Task.Exception; // observed here: no caller may have joined
            throw;
        }
        finally
        {
            _reads.TryRemove(new KeyValuePair<string, Flight>(key, mine));
        }
    }

    /// <summary>Reads under way now (diagnostics and tests).</summary>
    internal int ReadsUnderWay => _reads.Count;

    public void Invalidate(string key)
    {
        Interlocked.Increment(ref _version);
        _cache.Remove(key);
    }

    /// <summary>The sessions held now (at most the cache's bound).</summary>
    public Dictionary<string, TSession> Snapshot() => _cache.Snapshot();

    public void Clear()
    {
        Interlocked.Increment(ref _version);
        _cache.Clear();
    }

    private sealed class Flight(long version)
    {
        public long Version { get; } = version;

        public TaskCompletionSource<TSession?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
