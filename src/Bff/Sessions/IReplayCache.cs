namespace Bff.Sessions;

/// <summary>
/// Remembers one-time identifiers (a logout token's <c>jti</c>) until they expire, shared by every
/// instance that shares the session store, so a replayed token is refused on any of them.
/// </summary>
internal interface IReplayCache
{
    /// <summary>Records <paramref name="id"/> until <paramref name="expires"/>; false when it was already recorded.</summary>
    Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken);
}
