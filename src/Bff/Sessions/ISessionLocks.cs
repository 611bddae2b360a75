namespace Bff.Sessions;

/// <summary>
/// Exclusive access to one session for a read-modify-write (a token refresh, a sliding renewal).
/// In-process for the Memory and SQLite stores; a Redis lock shared by every instance with the
/// Redis store, so two nodes never refresh the same session at once.
/// </summary>
internal interface ISessionLocks
{
    /// <summary>Waits for the session's lock; throws <see cref="TimeoutException"/> after a bounded wait.</summary>
    Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken);
}
