namespace OpenBff.Sessions;

/// <summary>
/// A capability a session store may have: it answers <see cref="IUserSessionStore.GetAsync"/>
/// from a copy in process memory, which another instance's write may not have reached yet (the
/// Redis store's local cache). A read whose result is written back (a refresh or a renewal, under
/// the session lock) must see every earlier write, from any instance: the BFF makes it with
/// <see cref="GetFromStoreAsync"/>. A store without this capability is read with
/// <see cref="IUserSessionStore.GetAsync"/> alone, which must then always see the latest write.
/// </summary>
public interface ICachingUserSessionStore
{
    /// <summary>Reads the session from the store itself, never from a copy; <c>null</c> when there is none.</summary>
    Task<UserSession?> GetFromStoreAsync(string key, CancellationToken cancellationToken);
}
