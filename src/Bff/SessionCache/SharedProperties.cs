using System.Collections.ObjectModel;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// The properties of a ticket the library's caches share (<see cref="ReadOnlyTicket"/>): their items
/// refuse any change, so what the hot path derives from a token they hold (its <c>Authorization</c>
/// header value, its parsed expiry) is derived once per cached ticket and kept here, next to the
/// token, instead of in a process-wide table keyed by the token string: one field read per request
/// rather than two dictionary lookups and two table lookups, and no table entry (a GC handle) per
/// session in use.
/// </summary>
internal sealed class SharedProperties : AuthenticationProperties
{
    private SharedToken[] _tokens = [];

    public SharedProperties(IDictionary<string, string?> items)
        : base(new ReadOnlyDictionary<string, string?>(items))
    {
    }

    /// <summary>
    /// The token stored under <paramref name="tokenItem"/> (the session's main access token, or a
    /// route's own token for a resource or scope) with its expiry from <paramref name="expiresAtItem"/>,
    /// derived on first use (a session only ever read by <c>/bff/user</c> keeps no header value);
    /// null when the ticket holds no such token.
    /// </summary>
    public SharedToken? Token(string tokenItem, string expiresAtItem)
    {
        foreach (var token in Volatile.Read(ref _tokens))
        {
            if (string.Equals(token.Item, tokenItem, StringComparison.Ordinal))
            {
                return token;
            }
        }

        if (Derive(tokenItem, expiresAtItem) is not { } derived)
        {
            return null; // not held (yet): a later refresh stores it in a new ticket, with new properties
        }

        // Published copy-on-write; two requests deriving the same token at once both keep a correct
        // copy, and at most one of them stays listed.
        while (true)
        {
            var current = Volatile.Read(ref _tokens);
            if (Interlocked.CompareExchange(ref _tokens, [.. current, derived], current) == current)
            {
                return derived;
            }
        }
    }

    private SharedToken? Derive(string tokenItem, string expiresAtItem) =>
        Items.TryGetValue(tokenItem, out var token) && token is not null
            ? new SharedToken(
                tokenItem,
                token,
                Core.TokenText.BearerHeaderValue(token),
                Items.TryGetValue(expiresAtItem, out var expiresAt) && expiresAt is not null ? Core.TokenText.ParseExpiresAt(expiresAt) : null)
            : null;
}
