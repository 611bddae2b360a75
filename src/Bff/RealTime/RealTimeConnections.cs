using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenBff.RealTime;

/// <summary>
/// The upgraded connections (WebSockets) this instance forwards, by session key, so that a
/// session's end closes them (<see cref="Close"/>, called wherever a session is deleted) and a
/// session cannot hold more than <c>Bff:RealTime:MaxConnectionsPerSession</c> open. Only upgrade
/// requests register; ordinary requests never touch it.
/// </summary>
internal sealed class RealTimeConnections : Sessions.ISessionConnections
{
    private readonly ConcurrentDictionary<string, SessionConnections> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger<RealTimeConnections> _logger;

    public RealTimeConnections(ILogger<RealTimeConnections> logger)
    {
        _logger = logger;
    }

    /// <summary>The sessions with open connections here, with their state.</summary>
    public IEnumerable<KeyValuePair<string, SessionConnections>> Sessions => _sessions;

    /// <summary>The session's connections here; null when it has none.</summary>
    public SessionConnections? Find(string sessionKey) => _sessions.TryGetValue(sessionKey, out var session) ? session : null;

    /// <summary>
    /// Registers <paramref name="context"/>'s connection for the session; null when the session
    /// already holds <paramref name="max"/> (0: no limit). Dispose the result when the request ends.
    /// </summary>
    public RealTimeConnection? TryOpen(string sessionKey, HttpContext context, DateTimeOffset? expires, int max)
    {
        while (true)
        {
            var session = _sessions.GetOrAdd(sessionKey, static _ => new SessionConnections());
            lock (session.Sync)
            {
                if (session.Retired)
                {
                    continue; // emptied and removed meanwhile: a new one
                }

                if (max > 0 && session.Count >= max)
                {
                    return null;
                }

                if (session.Count == 0 || expires < session.Expires)
                {
                    session.Expires = expires;
                }

                var connection = new RealTimeConnection(this, sessionKey, session, context);
                session.Add(connection);
                return connection;
            }
        }
    }

    /// <summary>The session ended: closes its connections here; returns how many.</summary>
    public int Close(string sessionKey, string reason)
    {
        if (!_sessions.TryGetValue(sessionKey, out var session))
        {
            return 0;
        }

        RealTimeConnection[] open;
        lock (session.Sync)
        {
            open = session.ToArray();
        }

        var closed = open.Count(connection => connection.Abort());
        if (closed > 0)
        {
            BffLog.RealTimeConnectionsClosed(_logger, closed, reason);
        }

        return closed;
    }

    /// <summary>Records when the session expires, as just read (a renewal moves it).</summary>
    public static void SetExpires(SessionConnections session, DateTimeOffset? expires)
    {
        lock (session.Sync)
        {
            session.Expires = expires;
        }
    }

    internal void Release(RealTimeConnection connection)
    {
        var session = connection.Session;
        lock (session.Sync)
        {
            session.Remove(connection);
            if (session.Count > 0)
            {
                return;
            }

            session.Retired = true;
            _sessions.TryRemove(new KeyValuePair<string, SessionConnections>(connection.SessionKey, session));
        }
    }
}
