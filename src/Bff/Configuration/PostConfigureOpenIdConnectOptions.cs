using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;

namespace OpenBff.Configuration;

/// <summary>
/// Runs after ASP.NET Core's own post-configuration (which derives the metadata address and the
/// back-channel <see cref="HttpClient"/>): replaces its configuration manager with
/// <see cref="ProviderConfigurationManager"/> and the ID token handler with
/// <see cref="KeyRotationTokenHandler"/>, so a provider's key rotation never fails a login.
/// </summary>
internal sealed class PostConfigureOpenIdConnectOptions(TimeProvider time) : IPostConfigureOptions<OpenIdConnectOptions>
{
    public void PostConfigure(string? name, OpenIdConnectOptions options)
    {
        if (name != BffDefaults.OidcScheme || options.ConfigurationManager is ProviderConfigurationManager || options.Configuration is not null)
        {
            return;
        }

        var address = options.MetadataAddress;
        if (string.IsNullOrEmpty(address))
        {
            return; // no authority: the options validation reports it
        }

        var manager = new ProviderConfigurationManager(address, new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata }, time);
        options.ConfigurationManager = manager;
        options.TokenHandler = new KeyRotationTokenHandler(manager);
    }
}
