using OpenBff.Core;
using Microsoft.Extensions.Caching.Memory;

namespace OpenBff.SessionCache;

/// <summary>
/// A store's copy, in process memory, of the sessions it read recently, so a request for a
/// session in use costs no store round trip. Bounded in entries; an entry leaves after an idle
/// period, and after <c>maxAge</c> since it was read when one is given. A write or delete of the
/// session must call <see cref="Invalidate"/> before and after it touches the store, and every read
/// that fills the cache goes through <see cref="BeginRead"/> / <see cref="Remember"/>: a read that an
/// invalidation overtook is then never kept, so a racing write is never undone.
/// </summary>
internal sealed class SessionReadCache<TSession> : IDisposable
    where TSession : class
{
    private readonly MemoryCache _cache;
    private readonly TimeSpan _idleLifetime;
    private readonly TimeSpan? _maxAge;
    private long _version;

    public SessionReadCache(TimeProvider time, int maxEntries, TimeSpan idleLifetime, TimeSpan? maxAge = null)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries, Clock = new TimeProviderClock(time) });
        _idleLifetime = idleLifetime;
        _maxAge = maxAge;
    }

    public bool TryGet(string key, out TSession? session) => _cache.TryGetValue(key, out session) && session is not null;

    /// <summary>Call before reading the store; pass the result to <see cref="Remember"/>.</summary>
    public long BeginRead() => Interlocked.Read(ref _version);

    /// <summary>Keeps what a read returned, unless an invalidation happened since <see cref="BeginRead"/>.</summary>
    public void Remember(string key, TSession session, long readVersion)
    {
        if (Interlocked.Read(ref _version) != readVersion)
        {
            return;
        }

        var options = new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = _idleLifetime };
        if (_maxAge is { } maxAge)
        {
            options.AbsoluteExpirationRelativeToNow = maxAge;
        }

        _cache.Set(key, session, options);

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
    public Dictionary<string, TSession> Snapshot()
    {
        var sessions = new Dictionary<string, TSession>(StringComparer.Ordinal);
        foreach (var key in _cache.Keys)
        {
            if (key is string name && _cache.TryGetValue(name, out TSession? session) && session is not null)
            {
                sessions[name] = session;
            }
        }

        return sessions;
    }

    public void Clear()
    {
        Interlocked.Increment(ref _version);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();
}
