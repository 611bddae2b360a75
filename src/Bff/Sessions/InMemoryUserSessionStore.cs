using System.Collections.Concurrent;

namespace OpenBff.Sessions;

/// <summary>Keeps sessions in process memory: fast, lost at restart, not shared between instances.</summary>
internal sealed class InMemoryUserSessionStore : IUserSessionStore, ICountsSessions, ILocalSessionReader
{
    private readonly ConcurrentDictionary<string, UserSession> _sessions = new(StringComparer.Ordinal);

    public long CountActiveSessions(DateTimeOffset now) => _sessions.Values.Count(s => s.Expires is not { } expires || expires > now);

    public Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken)
    {
        TryReadLocal(key, out var session); // always answers: the store is this memory
        return Task.FromResult(session);
    }

    public bool TryReadLocal(string key, out UserSession? session)
    {
        session = _sessions.TryGetValue(key, out var held) ? held : null;
        return true; // the store is this memory
    }

    public Task SetAsync(UserSession session, CancellationToken cancellationToken)
    {
        _sessions[session.Key] = session;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        IReadOnlyList<UserSession> found = _sessions.Values.Where(filter.Matches).ToList();
        return Task.FromResult(found);
    }

    public Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        var deleted = 0;
        foreach (var session in _sessions.Values.Where(filter.Matches))
        {
            if (_sessions.TryRemove(session.Key, out _))
            {
                deleted++;
            }
        }

        return Task.FromResult(deleted);
    }

    public Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        IReadOnlyList<UserSession> expired = _sessions.Values.Where(s => s.Expires <= now).Take(max).ToList();
        return Task.FromResult(expired);
    }
}
