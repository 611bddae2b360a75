using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bff.DevIdp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// Builds back-channel logout tokens as the test IdP would sign them (with its real signing key),
/// and every way of getting one wrong.
/// </summary>
public sealed class LogoutTokens
{
    public const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private readonly TestIdp _idp;

    public LogoutTokens(TestIdp idp) => _idp = idp;

    public string Issuer => $"{_idp.Url}/";

    internal SecurityKey IdpSigningKey => _idp.Services.GetRequiredService<IdpKeyRing>().SigningKey;

    public Dictionary<string, object> Claims(string audience, string? sid, string? sub) => new()
    {
        ["iss"] = Issuer,
        ["aud"] = audience,
        ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["exp"] = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["events"] = new Dictionary<string, object> { [LogoutEvent] = new Dictionary<string, object>() },
        ["sid"] = sid!,
        ["sub"] = sub!,
    };

    public string Create(Dictionary<string, object> claims, SecurityKey? key = null, string? type = "logout+jwt")
    {
        var payload = claims.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value);
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = new SigningCredentials(key ?? IdpSigningKey, SecurityAlgorithms.RsaSha256),
            TokenType = type,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A key the IdP never had, with the IdP's own key id (a forged signature).</summary>
    public SecurityKey ForeignKeyWithTheIdpsKid() =>
        new RsaSecurityKey(RSA.Create(2048)) { KeyId = IdpSigningKey.KeyId };

    /// <summary>An unsigned token: <c>alg: none</c>.</summary>
    public static string WithAlgNone(Dictionary<string, object> claims)
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Encode("{\"alg\":\"none\",\"typ\":\"logout+jwt\"}")}.{Encode(JsonSerializer.Serialize(claims))}.";
    }

    /// <summary>Signed with a symmetric key (the client secret, say): not accepted.</summary>
    public static string SymmetricallySigned(Dictionary<string, object> claims, string secret)
    {
        var key = new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            TokenType = "logout+jwt",
        });
    }
}
