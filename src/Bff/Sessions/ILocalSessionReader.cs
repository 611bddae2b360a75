namespace OpenBff.Sessions;

/// <summary>
/// A store that can answer some reads from this process's memory without waiting (the in-memory
/// store always; SQLite and Redis from their read caches): the hot path's session read
/// (<see cref="ServerSideTicketStore.GetSharedAsync"/>) takes that answer synchronously, without
/// the <see cref="Task{TResult}"/> that <see cref="IUserSessionStore.GetAsync"/> allocates per call,
/// and calls <see cref="IUserSessionStore.GetAsync"/> otherwise. Internal: a store of an
/// application's own is read through <see cref="IUserSessionStore.GetAsync"/> as before.
/// </summary>
internal interface ILocalSessionReader
{
    /// <summary>
    /// True with the session <see cref="IUserSessionStore.GetAsync"/> would answer now (null: none)
    /// when this process's memory holds the answer; false when only <see cref="IUserSessionStore.GetAsync"/> can tell.
    /// </summary>
    bool TryReadLocal(string key, out UserSession? session);
}
