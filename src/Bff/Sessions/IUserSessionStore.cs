namespace OpenBff.Sessions;

/// <summary>
/// Keeps server-side sessions. Implementations: SQLite (embedded default), memory, Redis.
/// Register your own with <c>services.AddSingleton&lt;IUserSessionStore, MyStore&gt;()</c> before <c>AddServerSideSessions()</c>.
/// </summary>
public interface IUserSessionStore
{
    /// <summary>Reads a session by key; <c>null</c> when there is none.</summary>
    Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a session.</summary>
    Task SetAsync(UserSession session, CancellationToken cancellationToken);

    /// <summary>Deletes a session by key; no error when it does not exist.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Finds the sessions of a subject and/or a provider session id.</summary>
    Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes the sessions of a subject and/or a provider session id; returns how many were deleted.</summary>
    Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> sessions that expired before <paramref name="now"/>, for the cleanup to revoke and delete.</summary>
    Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);
}
