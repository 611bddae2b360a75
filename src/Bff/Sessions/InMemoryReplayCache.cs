using System.Collections.Concurrent;

namespace Bff.Sessions;

/// <summary>The replay cache of a single process (used with the Memory store).</summary>
internal sealed class InMemoryReplayCache : IReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (key, until) in _used)
        {
            if (until <= now)
            {
                _used.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }

        return Task.FromResult(_used.TryAdd(id, expires));
    }
}
