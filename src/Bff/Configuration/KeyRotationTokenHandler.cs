using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace OpenBff.Configuration;

/// <summary>
/// The OpenID Connect handler's ID token validation, once more with the provider's keys fetched
/// anew when the token is signed with a key the BFF does not know yet (a rotation at the provider):
/// the first login after a rotation succeeds instead of failing until a background refresh.
/// </summary>
internal sealed class KeyRotationTokenHandler : JsonWebTokenHandler
{
    private readonly IConfigurationManager<OpenIdConnectConfiguration> _configuration;

    public KeyRotationTokenHandler(IConfigurationManager<OpenIdConnectConfiguration> configuration)
    {
        _configuration = configuration;
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid || result.Exception is not SecurityTokenSignatureKeyNotFoundException)
        {
            return result;
        }

        var known = validationParameters.IssuerSigningKeys?.ToList() ?? [];
        _configuration.RequestRefresh();
        var configuration = await _configuration.GetConfigurationAsync(CancellationToken.None);
        var fresh = configuration.SigningKeys.Where(key => !known.Any(k => k.KeyId == key.KeyId && k.KeyId is not null)).ToList();
        if (fresh.Count == 0)
        {
            return result; // nothing new at the provider (or fetched too recently): the token stays refused
        }

        var retry = validationParameters.Clone();
        retry.ConfigurationManager = null;
        retry.IssuerSigningKeys = configuration.SigningKeys;
        return await base.ValidateTokenAsync(token, retry);
    }
}
