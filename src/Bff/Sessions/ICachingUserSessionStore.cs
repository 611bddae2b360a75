namespace Bff.Sessions;

/// <summary>
/// A session store that may answer <see cref="IUserSessionStore.GetAsync"/> from a copy in process
/// memory which another instance's write has not reached yet. A read whose result is written back
/// (a refresh or a renewal, under the session lock) must see every earlier write: it uses
/// <see cref="GetFromStoreAsync"/>.
/// </summary>
internal interface ICachingUserSessionStore
{
    /// <summary>Reads the session from the store itself, never from a copy.</summary>
    Task<UserSession?> GetFromStoreAsync(string key, CancellationToken cancellationToken);
}
