namespace OpenBff.Sessions;

/// <summary>
/// Exclusive access to one session for a read-modify-write (a token refresh, a sliding renewal),
/// so one refresh token is never used twice. In-process for the Memory and SQLite stores; a Redis
/// lock shared by every instance with the Redis store. A host's own store shared by several
/// instances implements it too (the BFF then uses the store's locks), or a host registers its own
/// <see cref="ISessionLocks"/> before <c>AddBff()</c>.
/// </summary>
public interface ISessionLocks
{
    /// <summary>
    /// Waits for the session's lock and returns it (dispose to release); throws
    /// <see cref="TimeoutException"/> after a bounded wait. A lock whose holder died must lapse on
    /// its own, within <c>Bff:Tokens:RefreshTimeout</c>.
    /// </summary>
    Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken);
}
