namespace Bff.Sessions;

/// <summary>The default <see cref="ISessionRevocationService"/>: finds the sessions, then ends each as a back-channel logout does.</summary>
internal sealed class SessionRevocationService(IUserSessionStore store, SessionTerminator terminator) : ISessionRevocationService
{
    public async Task<int> RevokeSessionsAsync(UserSessionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.EnsureValid();
        var sessions = await store.FindAsync(filter, cancellationToken);
        foreach (var session in sessions)
        {
            await terminator.EndAsync(session, BffSessionEndReason.Revoked, cancellationToken);
        }

        return sessions.Count;
    }
}
