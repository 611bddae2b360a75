namespace OpenBff.Sessions;

/// <summary>
/// A capability a session store may have: counting its sessions cheaply, for the
/// <c>bff.sessions.active</c> gauge. A store that implements it (the built-in ones do, and so may a
/// host's own) is counted; one that does not is not (the gauge reports nothing), never guessed from
/// the store's type.
/// </summary>
public interface ICountsSessions
{
    /// <summary>
    /// The number of sessions that have not expired at <paramref name="now"/>. Called on a
    /// thread-pool thread, at most once at a time and about every 30 s while metrics are collected
    /// (the gauge reports the last result): one query, never a scan of the sessions' data.
    /// </summary>
    long CountActiveSessions(DateTimeOffset now);
}
