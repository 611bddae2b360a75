using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>Creates or updates the configured clients and the <c>api</c> scope in the OpenIddict store.</summary>
internal sealed class ClientSynchronizer(
    IOpenIddictApplicationManager applications,
    IOpenIddictScopeManager scopes,
    IOptions<IdpOptions> options,
    ILogger<ClientSynchronizer> logger)
{
    public const string BackChannelLogoutUriProperty = "backchannel_logout_uri";

    public async Task SynchronizeAsync(CancellationToken cancellationToken)
    {
        await SynchronizeApiScopeAsync(cancellationToken);
        foreach (var client in options.Value.Clients)
        {
            var descriptor = Describe(client, options.Value.TokenExchangeAudiences);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                logger.ClientSynchronized(client.ClientId, "created");
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                logger.ClientSynchronized(client.ClientId, "updated");
            }
        }
    }

    private async Task SynchronizeApiScopeAsync(CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictScopeDescriptor { Name = IdpScopes.Api, DisplayName = "Sample API" };
        descriptor.Resources.Add(IdpScopes.ApiResource);

        var existing = await scopes.FindByNameAsync(IdpScopes.Api, cancellationToken);
        if (existing is null)
        {
            await scopes.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await scopes.UpdateAsync(existing, descriptor, cancellationToken);
        }
    }

    private static OpenIddictApplicationDescriptor Describe(IdpClientOptions client, IList<string> tokenExchangeAudiences)
    {
        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = confidential ? client.ClientSecret : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = string.IsNullOrWhiteSpace(client.DisplayName) ? client.ClientId : client.DisplayName,
        };

        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        if (!string.IsNullOrWhiteSpace(client.BackChannelLogoutUri))
        {
            descriptor.Properties[BackChannelLogoutUriProperty] = JsonSerializer.SerializeToElement(client.BackChannelLogoutUri);
        }

        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.Endpoints.EndSession,
            Permissions.Endpoints.Revocation,
            Permissions.Endpoints.Introspection,
            Permissions.Endpoints.PushedAuthorization,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.GrantTypes.RefreshToken,
            Permissions.ResponseTypes.Code,
            Permissions.Scopes.Profile,
            Permissions.Scopes.Email,
            Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            Permissions.Prefixes.Scope + IdpScopes.Api,
            Permissions.Prefixes.Resource + IdpScopes.ApiResource,
        ]);

        if (confidential)
        {
            // Client credentials need a client authentication: not offered to public clients.
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);

            // Token exchange (Idp:TokenExchangeAudiences) needs a client authentication too.
            if (tokenExchangeAudiences.Count > 0)
            {
                descriptor.Permissions.Add(Permissions.GrantTypes.TokenExchange);
                descriptor.Permissions.UnionWith(tokenExchangeAudiences.Select(audience => Permissions.Prefixes.Audience + audience));
            }
        }

        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        return descriptor;
    }
}
