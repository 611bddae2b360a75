using Microsoft.IdentityModel.JsonWebTokens;

namespace OpenBff.Tokens;

/// <summary>
/// When an access token expires: <c>expires_in</c> from the token response (RFC 6749 §5.1, by our
/// clock) when the provider sent it; otherwise the <c>exp</c> of a JWT access token (by the
/// provider's clock); otherwise unknown, and the token is used until the API refuses it.
/// </summary>
internal static class TokenExpiry
{
    public static DateTimeOffset? Of(string accessToken, TimeSpan? expiresIn, DateTimeOffset now)
    {
        if (expiresIn is { } lifetime)
        {
            return now + lifetime;
        }

        try
        {
            var jwt = new JsonWebToken(accessToken);
            return jwt.TryGetPayloadValue<long>("exp", out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
        }
        catch (ArgumentException)
        {
            return null; // opaque (not a JWT): nothing more to know
        }
    }
}
