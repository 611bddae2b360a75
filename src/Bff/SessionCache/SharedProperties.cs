using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// The properties of a ticket the library's caches share (<see cref="ReadOnlyTicket"/>): their items
/// refuse any change, so what the hot path derives from a token they hold (its <c>Authorization</c>
/// header value, its parsed expiry) is derived once per cached ticket and kept here, in place of
/// the token (<see cref="SharedToken"/>), instead of in a process-wide table keyed by the token
/// string: one field read per request rather than two dictionary lookups and two table lookups, no
/// table entry (a GC handle) per session in use, and one copy of each token rather than two.
/// </summary>
internal sealed class SharedProperties : AuthenticationProperties
{
    public SharedProperties(SharedItems items)
        : base(items)
    {
        SharedItems = items;
    }

    private SharedItems SharedItems { get; }

    /// <summary>
    /// The token stored under <paramref name="tokenItem"/> (the session's main access token, or a
    /// route's own token for a resource or scope) with its expiry; null when the ticket holds no
    /// such token.
    /// </summary>
    public SharedToken? Token(string tokenItem) => SharedItems.Token(tokenItem);
}
