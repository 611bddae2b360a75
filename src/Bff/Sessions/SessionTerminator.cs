using Bff.Logout;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Sessions;

/// <summary>
/// Ends a session for good, the one way every path does it (a replacing login, the per-user limit,
/// back-channel logout, the expiry cleanup): its refresh token revoked at the provider (RFC 7009),
/// then the session deleted from the store and from the in-memory copies.
/// </summary>
internal sealed class SessionTerminator
{
    private readonly ServerSideTicketStore _tickets;
    private readonly RefreshTokenRevoker _revoker;

    public SessionTerminator(ServerSideTicketStore tickets, RefreshTokenRevoker revoker)
    {
        _tickets = tickets;
        _revoker = revoker;
    }

    /// <summary>Ends the session stored under <paramref name="key"/>, as stored now; returns its ticket, or null when there was none.</summary>
    public async Task<AuthenticationTicket?> EndAsync(string key, CancellationToken cancellationToken)
    {
        var ticket = await _tickets.RetrieveFromStoreAsync(key, cancellationToken);
        if (ticket is null)
        {
            return null;
        }

        await _revoker.RevokeAsync(ticket.Properties, cancellationToken);
        await _tickets.RemoveAsync(key, cancellationToken);
        return ticket;
    }

    /// <summary>Ends <paramref name="session"/>, read from the store by a query.</summary>
    public async Task EndAsync(UserSession session, CancellationToken cancellationToken)
    {
        if (_tickets.Unprotect(session) is { } ticket)
        {
            await _revoker.RevokeAsync(ticket.Properties, cancellationToken);
        }

        await _tickets.RemoveAsync(session.Key, cancellationToken);
    }
}
