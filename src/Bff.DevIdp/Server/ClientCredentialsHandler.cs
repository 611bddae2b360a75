using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// Issues tokens for the client credentials grant (OpenIddict handles the code and refresh token grants
/// itself): the subject is the client id; requested scopes (already checked against the client's
/// permissions by OpenIddict) are granted, with their resources as audiences.
/// </summary>
internal sealed class ClientCredentialsHandler(IOpenIddictScopeManager scopes, ILogger<ClientCredentialsHandler> logger)
    : IOpenIddictServerHandler<OpenIddictServerEvents.HandleTokenRequestContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.IsClientCredentialsGrantType() || context.Principal is not null)
        {
            return;
        }

        var clientId = context.Request.ClientId
            ?? throw new InvalidOperationException("The client credentials request has no client_id.");

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);

        var granted = context.Request.GetScopes();
        identity.SetScopes(granted);
        var resources = new List<string>();
        await foreach (var resource in scopes.ListResourcesAsync(granted))
        {
            resources.Add(resource);
        }

        identity.SetResources(resources);
        ClaimDestinations.Apply(identity);

        context.SignIn(new ClaimsPrincipal(identity));
        logger.ClientCredentialsIssued(clientId);
    }
}
