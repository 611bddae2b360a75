namespace OpenBff.Sessions;

/// <summary>
/// Ends sessions on the host's behalf (an administrator, a disabled account, a changed password),
/// as Duende.BFF's service of the same name: each matching session is deleted from the store on
/// every instance, its refresh token revoked at the provider, and <see cref="BffEvents"/> is told
/// (<see cref="BffSessionEndReason.Revoked"/>). The user's next request gets 401.
/// </summary>
public interface ISessionRevocationService
{
    /// <summary>Ends the sessions of a subject and/or a provider session id; answers how many ended.</summary>
    /// <exception cref="ArgumentException"><paramref name="filter"/> names neither a subject nor a session id.</exception>
    Task<int> RevokeSessionsAsync(UserSessionFilter filter, CancellationToken cancellationToken = default);
}
