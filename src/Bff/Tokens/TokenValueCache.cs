using System.Globalization;
using System.Runtime.CompilerServices;

namespace OpenBff.Tokens;

/// <summary>
/// What the hot path derives from a token string (the <c>Authorization</c> header value, the
/// parsed expiry), computed once per string instance instead of once per request: a session in
/// use hands out the same strings from the library's ticket cache, and the derived values are
/// collected together with them (<see cref="ConditionalWeakTable{TKey, TValue}"/>).
/// </summary>
internal static class TokenValueCache
{
    private static readonly ConditionalWeakTable<string, string> BearerHeaders = new();
    private static readonly ConditionalWeakTable<string, StrongBox<DateTimeOffset?>> Expiries = new();

    /// <summary><c>Bearer {token}</c>; null when the token holds a character no header value may (the caller then lets HttpClient validate it).</summary>
    public static string? BearerHeaderValue(string accessToken)
    {
        var value = BearerHeaders.GetValue(accessToken, static token => IsVisibleAscii(token) ? "Bearer " + token : string.Empty);
        return value.Length == 0 ? null : value;
    }

    /// <summary>The <c>expires_at</c> value the OpenID Connect handler stores (round-trip format); null when it does not parse.</summary>
    public static DateTimeOffset? ParseExpiresAt(string expiresAt) =>
        Expiries.GetValue(
            expiresAt,
            static value => new StrongBox<DateTimeOffset?>(
                DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires) ? expires : null))
            .Value;

    private static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return value.Length > 0;
    }
}
