using System.Globalization;

namespace OpenBff.Core;

/// <summary>What the proxy derives from a token as the session stores it: its header value and its expiry.</summary>
internal static class TokenText
{
    /// <summary><c>Bearer {token}</c>; null when the token holds a character no header value may (the caller then lets HttpClient validate it).</summary>
    public static string? BearerHeaderValue(string accessToken) =>
        IsVisibleAscii(accessToken) ? "Bearer " + accessToken : null;

    /// <summary>The <c>expires_at</c> value the OpenID Connect handler stores (round-trip format); null when it does not parse.</summary>
    public static DateTimeOffset? ParseExpiresAt(string expiresAt) =>
        DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires) ? expires : null;

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
