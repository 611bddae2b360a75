namespace OpenBff.SessionCache;

/// <summary>
/// A store's copy, in process memory, of the sessions it read recently, so a request for a
/// session in use costs no store round trip. Bounded in entries (when full, the session least
/// recently used makes room: <see cref="ClockCache{TValue}"/>); an entry leaves after an idle
/// period, and after <c>maxAge</c> since it was read when one is given. A write or delete of the
/// session must call <see cref="Invalidate"/> before and after it touches the store, and every read
/// that fills the cache goes through <see cref="BeginRead"/> / <see cref="Remember"/>: a read that an
/// invalidation overtook is then never kept, so a racing write is never undone.
/// </summary>
internal sealed class SessionReadCache<TSession>
    where TSession : class
{
    private readonly ClockCache<TSession> _cache;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _maxAge;
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
}
