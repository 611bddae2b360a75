using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// Applies the <c>Idp</c> settings and the persisted keys to the OpenIddict server options. Done through the
/// options system (not the builder) so that configuration changed by tests in <c>configureBuilder</c> is honoured.
/// </summary>
internal sealed class ServerOptionsSetup(IOptions<IdpOptions> idpOptions, IdpKeyRing keys)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var idp = idpOptions.Value;
        options.AccessTokenLifetime = idp.AccessTokenLifetime;
        options.RefreshTokenLifetime = idp.RefreshTokenLifetime;
        options.RefreshTokenReuseLeeway = idp.RefreshTokenReuseLeeway;
        options.UseReferenceRefreshTokens = idp.ReferenceRefreshTokens;
        if (!string.IsNullOrWhiteSpace(idp.Issuer))
        {
            options.Issuer = new Uri(idp.Issuer, UriKind.Absolute);
        }

        // Token exchange (RFC 8693) only when audiences are configured for it: the grant is then
        // advertised in the discovery document, and OpenIddict accepts only these audiences.
        if (idp.TokenExchangeAudiences.Count > 0)
        {
            options.GrantTypes.Add(GrantTypes.TokenExchange);
            options.Audiences.UnionWith(idp.TokenExchangeAudiences);
        }

        // PKCE with S256 only: "plain" would not protect a leaked code.
        options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);

        options.SigningCredentials.Add(new SigningCredentials(keys.SigningKey, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(
            keys.EncryptionKey, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }
}
