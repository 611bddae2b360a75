using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// A session cookie <see cref="CachingCookieTicketFormat"/> decrypted before: what it decrypted to,
/// the session-store key it holds, and the decrypted ticket cache's entry for that key as the
/// cookie's last request found it (<see cref="TicketCache.GetShared(KnownSession, byte[])"/>), so the
/// session's next request goes from its cookie to its shared result through the session's own
/// objects rather than a second table lookup (issue 17, item 2: with 100,000 sessions in use each
/// lookup is a few cache misses).
/// </summary>
internal sealed class KnownSession(AuthenticationTicket ticket, string? sessionKey)
{
    /// <summary>What the cookie decrypted to (shared: its properties refuse any change).</summary>
    public AuthenticationTicket Ticket { get; } = ticket;

    /// <summary>The session-store key the cookie holds (its first session-id claim); null when it holds none.</summary>
    public string? SessionKey { get; } = sessionKey;

    /// <summary>
    /// The decrypted ticket cache's entry for <see cref="SessionKey"/> when last read, or null: a
    /// hint only, which answers while the cache still holds that entry and the store still holds the
    /// bytes it was decrypted from.
    /// </summary>
    internal ClockCache<SharedSession>.Entry? Cached { get; set; }
}
