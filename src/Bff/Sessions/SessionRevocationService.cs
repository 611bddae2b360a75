namespace OpenBff.Sessions;

/// <summary>The default <see cref="ISessionRevocationService"/>: ends each session it selects as a back-channel logout does.</summary>
internal sealed class SessionRevocationService(SessionTerminator terminator) : ISessionRevocationService
{
    public Task<int> RevokeSessionsAsync(UserSessionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.EnsureValid();
        return terminator.EndAllAsync(filter, BffSessionEndReason.Revoked, cancellationToken);
    }
}
