using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// A session in use as <see cref="TicketCache"/> shares it: the protected bytes it was decrypted
/// from, its read-only ticket, the result the session cookie's scheme authenticates to (one per
/// cached ticket instead of new wrappers per request), and the ticket's times, parsed once (its
/// properties hold them as strings and never change).
/// </summary>
internal sealed class SharedSession
{
    public SharedSession(byte[] protectedTicket, AuthenticationTicket ticket)
    {
        _protected = protectedTicket;
        Ticket = ticket;
        Result = AuthenticateResult.Success(new AuthenticationTicket(ticket.Principal, ticket.Properties, BffDefaults.CookieScheme));
        IssuedUtc = ticket.Properties.IssuedUtc;
        ExpiresUtc = ticket.Properties.ExpiresUtc;
        AllowRefresh = ticket.Properties.AllowRefresh;
    }

    /// <summary>
    /// Whether this was decrypted from <paramref name="protectedTicket"/>: the same array, or equal
    /// bytes. Equal bytes in another array (a store read the session again, as the Redis store does
    /// when its copy ages out) are kept in place of the first: the session's next requests compare
    /// references again, and the session holds one copy of its protected ticket instead of two.
    /// </summary>
    public bool CameFrom(byte[] protectedTicket)
    {
        var decryptedFrom = _protected;
        if (ReferenceEquals(decryptedFrom, protectedTicket))
        {
            return true;
        }

        if (!decryptedFrom.AsSpan().SequenceEqual(protectedTicket))
        {
            return false;
        }

        _protected = protectedTicket; // the same bytes: a racing request may still compare the other array
        return true;
    }

    /// <summary>The stored, protected ticket this was decrypted from: it answers for a store read only when the read returns these bytes.</summary>
    public byte[] Protected => _protected;

    private volatile byte[] _protected;

    /// <summary>The shared ticket: its properties refuse any change; no ID or refresh token.</summary>
    public AuthenticationTicket Ticket { get; }

    /// <summary>What ASP.NET Core's cookie handler returns for this ticket when it raises no event that changes it.</summary>
    public AuthenticateResult Result { get; }

    public DateTimeOffset? IssuedUtc { get; }

    public DateTimeOffset? ExpiresUtc { get; }

    public bool? AllowRefresh { get; }
}
