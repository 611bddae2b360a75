namespace OpenBff.Sessions;

/// <summary>
/// A capability a session store may have: remembering one-time identifiers (a back-channel logout
/// token's <c>jti</c>) until they expire, shared by every instance that shares the store, so a
/// replayed logout token is refused on any of them. The SQLite and Redis stores have it; a store
/// without it gets an in-process replay cache, which refuses a replay on the same instance only.
/// </summary>
public interface IReplayCache
{
    /// <summary>
    /// Records <paramref name="id"/> until <paramref name="expires"/> and answers true; answers
    /// false, changing nothing, when the id is already recorded and has not expired at
    /// <paramref name="now"/>. Atomic: of two concurrent calls with one id, one gets true.
    /// </summary>
    Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken);
}
