using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpenBff.Diagnostics;

/// <summary>
/// What may be shown about an access token without showing it: its format and, for a signed JWT,
/// the scopes its payload grants (<c>scope</c> or <c>scp</c>, a space-separated string or an array).
/// The signature is neither checked nor kept.
/// </summary>
internal readonly record struct AccessTokenInspection(string Format, IReadOnlyList<string>? Scopes)
{
    public static AccessTokenInspection Of(string token)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return new AccessTokenInspection("opaque", null);
        }

        if (jwt.IsEncrypted)
        {
            return new AccessTokenInspection("encrypted-jwt", null);
        }

        var scopes = jwt.Claims
            .Where(c => c.Type is "scope" or "scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new AccessTokenInspection("jwt", scopes);
    }
}
