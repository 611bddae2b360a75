using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpenBff.TokenEndpoint;

/// <summary>
/// <c>private_key_jwt</c> client authentication (RFC 7523): a short-lived JWT signed with the
/// client's private key (<c>Bff:Oidc:ClientAssertionKeyPath</c>, PEM; RSA → RS256, EC P-256 → ES256),
/// issuer and subject the client id, audience the provider's issuer, a fresh <c>jti</c> each time,
/// <c>typ</c> <c>client-authentication+jwt</c> as RFC 7523bis asks.
/// </summary>
internal sealed class ClientAssertionSigner
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly IOptions<BffOptions> _options;
    private readonly TimeProvider _time;
    private readonly Lazy<SigningCredentials> _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public ClientAssertionSigner(IOptions<BffOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _credentials = new Lazy<SigningCredentials>(() => LoadCredentials(options.Value.Oidc));
    }

    public string CreateAssertion(string audience)
    {
        var now = _time.GetUtcNow();
        var clientId = _options.Value.Oidc.ClientId!;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = clientId,
                ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = _credentials.Value,
            TokenType = "client-authentication+jwt", // explicit typing (draft-ietf-oauth-rfc7523bis)
        });
    }

    /// <summary>Loads the key; used at start-up validation too, so a bad file is reported before any login.</summary>
    public static SigningCredentials LoadCredentials(BffOidcOptions oidc)
    {
        var pem = File.ReadAllText(oidc.ClientAssertionKeyPath!);
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = oidc.ClientAssertionKeyId }, SecurityAlgorithms.RsaSha256);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = oidc.ClientAssertionKeyId }, SecurityAlgorithms.EcdsaSha256);
        }
    }
}
