using OpenBff.TokenEndpoint;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.Sessions;

/// <summary>
/// Ends a session for good, the one way every path does it (a replacing login, the per-user limit,
/// back-channel logout, the expiry cleanup): its refresh token revoked at the provider (RFC 7009),
/// then the session deleted from the store and from the in-memory copies.
/// </summary>
internal sealed class SessionTerminator
{
    private readonly ServerSideTicketStore _tickets;
    private readonly RefreshTokenRevoker _revoker;
    private readonly Events.BffEventRaiser _events;
    private readonly IUserSessionStore _store;

    public SessionTerminator(ServerSideTicketStore tickets, RefreshTokenRevoker revoker, Events.BffEventRaiser events, IUserSessionStore store)
    {
        _store = store;
        _tickets = tickets;
        _revoker = revoker;
        _events = events;
    }

    /// <summary>Ends the session stored under <paramref name="key"/>, as stored now; returns its ticket, or null when there was none.</summary>
    public async Task<AuthenticationTicket?> EndAsync(string key, BffSessionEndReason reason, CancellationToken cancellationToken)
    {
        var ticket = await _tickets.RetrieveFromStoreAsync(key, cancellationToken);
        if (ticket is null)
        {
            return null;
        }

        await _revoker.RevokeAsync(ticket.Properties, cancellationToken);
        await _tickets.RemoveAsync(key, cancellationToken);
        await _events.SessionEndedAsync(Ended(ticket, reason), cancellationToken);
        return ticket;
    }

    /// <summary>
    /// Ends the session of this request's own cookie, stored under <paramref name="key"/> (a
    /// front-channel logout): its refresh token revoked, then the cookie scheme signed out, which
    /// deletes the session from the store and the in-memory copies (the ticket store's
    /// <c>RemoveAsync</c>) and the cookie from the browser, one delete; returns its ticket, or null
    /// when the store no longer held it. The cookie scheme must have authenticated this request's
    /// cookie first (<c>AuthenticateAsync</c>), as the cookie handler deletes only a session it read.
    /// </summary>
    public async Task<AuthenticationTicket?> SignOutAsync(Microsoft.AspNetCore.Http.HttpContext http, string key, BffSessionEndReason reason)
    {
        var ticket = await _tickets.RetrieveFromStoreAsync(key, http.RequestAborted);
        if (ticket is not null)
        {
            await _revoker.RevokeAsync(ticket.Properties, http.RequestAborted);
        }

        await http.SignOutAsync(BffDefaults.CookieScheme);
        if (ticket is not null)
        {
            await _events.SessionEndedAsync(Ended(ticket, reason), http.RequestAborted);
        }

        return ticket;
    }

    /// <summary>Ends every session <paramref name="filter"/> selects (back-channel logout, a host's revocation); returns how many.</summary>
    public async Task<int> EndAllAsync(UserSessionFilter filter, BffSessionEndReason reason, CancellationToken cancellationToken)
    {
        var sessions = await _store.FindAsync(filter, cancellationToken);
        await Task.WhenAll(sessions.Select(session => EndAsync(session, reason, cancellationToken)));
        return sessions.Count;
    }

    /// <summary>The event of a session ending, from its ticket.</summary>
    public static BffSessionEnded Ended(AuthenticationTicket ticket, BffSessionEndReason reason) => new()
    {
        SubjectId = ticket.Principal.FindFirst("sub")?.Value ?? string.Empty,
        SessionId = SessionIds.For(ticket.Principal, ticket.Properties),
        Reason = reason,
    };

    /// <summary>Ends <paramref name="session"/>, read from the store by a query.</summary>
    public async Task EndAsync(UserSession session, BffSessionEndReason reason, CancellationToken cancellationToken)
    {
        var ticket = _tickets.Unprotect(session);
        if (ticket is not null)
        {
            await _revoker.RevokeAsync(ticket.Properties, cancellationToken);
        }

        await _tickets.RemoveAsync(session.Key, cancellationToken);
        await _events.SessionEndedAsync(
            ticket is not null ? Ended(ticket, reason) : new BffSessionEnded { SubjectId = session.SubjectId, SessionId = session.SessionId ?? string.Empty, Reason = reason },
            cancellationToken);
    }
}
