using System.Collections.Concurrent;

namespace OpenBff.Sessions;

/// <summary>
/// The replay cache of a single process (used with the Memory store). An identifier is kept until
/// the expiry its caller gives (a logout token's <c>exp</c>, which the provider chooses); expired
/// ones are swept out at most once per <see cref="SweepInterval"/>, and at most
/// <see cref="DefaultMaxEntries"/> are kept: when that many are live, the one whose expiry is
/// nearest makes room (issue 15, item 7: a provider whose logout tokens live for days must not make
/// the cache grow with every logout ever made). Evicting refuses nothing a provider sends; a token
/// evicted that way could be replayed until its expiry, after that many newer ones.
/// </summary>
internal sealed class InMemoryReplayCache : IReplayCache
{
    public const int DefaultMaxEntries = 100_000;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly int _maxEntries;
    private readonly Lock _sweepLock = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public InMemoryReplayCache(int maxEntries = DefaultMaxEntries) => _maxEntries = maxEntries;

    /// <summary>How many identifiers are kept now (expired ones included until the next sweep).</summary>
    internal int Count => _used.Count;

    public Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_used.TryGetValue(id, out var seen) && seen > now)
        {
            return Task.FromResult(false); // a replay: checked before anything is evicted to make room
        }

        lock (_sweepLock)
        {
            if (now >= _nextSweep || _used.Count >= _maxEntries)
            {
                _nextSweep = now + SweepInterval;
                RemoveExpired(now);
                while (_used.Count >= _maxEntries && RemoveNearestExpiry())
                {
                }
            }
        }

        while (true)
        {
            if (_used.TryAdd(id, expires))
            {
                return Task.FromResult(true);
            }

            if (!_used.TryGetValue(id, out var until))
            {
                continue; // swept meanwhile: try again
            }

            if (until > now)
            {
                return Task.FromResult(false); // used before and still remembered: a replay
            }

            if (_used.TryUpdate(id, expires, until))
            {
                return Task.FromResult(true); // expired, not swept yet: used anew
            }
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (key, until) in _used)
        {
            if (until <= now)
            {
                _used.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }
    }

    private bool RemoveNearestExpiry()
    {
        KeyValuePair<string, DateTimeOffset>? nearest = null;
        foreach (var entry in _used)
        {
            if (nearest is null || entry.Value < nearest.Value.Value)
            {
                nearest = entry;
            }
        }

        return nearest is { } remove && _used.TryRemove(remove);
    }
}
