using System.Collections.Concurrent;

namespace OpenBff.Sessions;

/// <summary>
/// Keeps sessions in process memory: fast, lost at restart, not shared between instances. Each
/// session is held in an entry that a write replacing it or a delete marks as gone, so the hot path
/// can read a session through the entry its cookie found last time (<see cref="TryReadLocal(string, ref object?, out UserSession?)"/>).
/// </summary>
internal sealed class InMemoryUserSessionStore : IUserSessionStore, ICountsSessions, ILocalSessionReader
{
    private readonly ConcurrentDictionary<string, Held> _sessions = new(StringComparer.Ordinal);

    public long CountActiveSessions(DateTimeOffset now) => _sessions.Values.Count(h => h.Session.Expires is not { } expires || expires > now);

    public Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken)
    {
        TryReadLocal(key, out var session); // always answers: the store is this memory
        return Task.FromResult(session);
    }

    public bool TryReadLocal(string key, out UserSession? session)
    {
        session = _sessions.TryGetValue(key, out var held) ? held.Session : null;
        return true; // the store is this memory
    }

    public bool TryReadLocal(string key, ref object? entry, out UserSession? session)
    {
        if (entry is Held { Gone: false } known)
        {
            session = known.Session; // still the key's entry: neither replaced nor deleted since
            return true;
        }

        if (_sessions.TryGetValue(key, out var held))
        {
            entry = held;
            session = held.Session;
        }
        else
        {
            session = null;
        }

        return true;
    }

    public Task SetAsync(UserSession session, CancellationToken cancellationToken)
    {
        // The entry replaced is marked gone before the new one is in (a reader through it looks the
        // key up again); every entry replaced goes through the factory that replaced it.
        _sessions.AddOrUpdate(
            session.Key,
            static (_, added) => new Held(added),
            static (_, old, added) =>
            {
                old.Gone = true;
                return new Held(added);
            },
            session);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (_sessions.TryRemove(key, out var removed))
        {
            removed.Gone = true;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        IReadOnlyList<UserSession> found = _sessions.Values.Select(h => h.Session).Where(filter.Matches).ToList();
        return Task.FromResult(found);
    }

    public Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        var deleted = 0;
        foreach (var held in _sessions.Values.Where(h => filter.Matches(h.Session)))
        {
            if (_sessions.TryRemove(held.Session.Key, out var removed)) // by key: a version written since ends too
            {
                removed.Gone = true;
                deleted++;
            }
        }

        return Task.FromResult(deleted);
    }

    public Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        IReadOnlyList<UserSession> expired = _sessions.Values.Select(h => h.Session).Where(s => s.Expires <= now).Take(max).ToList();
        return Task.FromResult(expired);
    }

    /// <summary>A session as this store holds it; <see cref="Gone"/> once replaced or deleted.</summary>
    private sealed class Held(UserSession session)
    {
        public readonly UserSession Session = session;
        public volatile bool Gone;
    }
}
