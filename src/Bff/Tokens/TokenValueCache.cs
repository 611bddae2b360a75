using System.Runtime.CompilerServices;
using OpenBff.Core;

namespace OpenBff.Tokens;

/// <summary>
/// What the hot path derives from a token string (<see cref="TokenText"/>: the <c>Authorization</c>
/// header value, the parsed expiry), computed once per string instance instead of once per request,
/// for tokens that do not come from a shared ticket (a client-credentials token, a token just
/// refreshed, a retriever's): the derived values are collected together with the strings
/// (<see cref="ConditionalWeakTable{TKey, TValue}"/>). A session in use keeps its own, next to its
/// tokens (<see cref="SessionCache.SharedProperties"/>).
/// </summary>
internal static class TokenValueCache
{
    private static readonly ConditionalWeakTable<string, string> BearerHeaders = new();
    private static readonly ConditionalWeakTable<string, StrongBox<DateTimeOffset?>> Expiries = new();

    /// <inheritdoc cref="TokenText.BearerHeaderValue"/>
    public static string? BearerHeaderValue(string accessToken)
    {
        var value = BearerHeaders.GetValue(accessToken, static token => TokenText.BearerHeaderValue(token) ?? string.Empty);
        return value.Length == 0 ? null : value;
    }

    /// <inheritdoc cref="TokenText.ParseExpiresAt"/>
    public static DateTimeOffset? ParseExpiresAt(string expiresAt) =>
        Expiries.GetValue(expiresAt, static value => new StrongBox<DateTimeOffset?>(TokenText.ParseExpiresAt(value))).Value;
}
