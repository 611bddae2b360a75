using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// Creates OIDC Back-Channel Logout 1.0 logout tokens: JWTs signed with the IdP's RS256 signing key (same
/// <c>kid</c> as ID tokens), header <c>typ: logout+jwt</c>, claims <c>iss</c>, <c>aud</c> (the client id),
/// <c>iat</c>, <c>exp</c> (<c>iat</c> + 2 minutes), <c>jti</c>, <c>sub</c>, <c>sid</c> and <c>events</c>;
/// never a <c>nonce</c> (nor <c>nbf</c>).
/// </summary>
internal sealed class LogoutTokenFactory(IdpKeyRing keys, TimeProvider timeProvider)
{
    public const string TokenType = "logout+jwt";
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
    public const string EventsClaim = "events";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private static readonly JsonElement Events = JsonSerializer.SerializeToElement(
        new Dictionary<string, Dictionary<string, string>> { [BackChannelLogoutEvent] = [] });

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Create(string issuer, string clientId, string subject, string sessionId)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = issuer,
            Audience = clientId,
            IssuedAt = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(keys.SigningKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [Claims.JwtId] = Guid.NewGuid().ToString("N"),
                [Claims.Subject] = subject,
                [IdpScopes.SessionIdClaim] = sessionId,
                [EventsClaim] = Events,
            },
        });
    }
}
