using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// Issues the access token of a token exchange (RFC 8693, enabled by <c>Idp:TokenExchangeAudiences</c>).
/// OpenIddict has already authenticated the client, checked its <c>gt:</c> and <c>aud:</c> permissions,
/// and validated the subject token (one of this IdP's tokens, issued to this client). The new token is
/// a delegation: the subject's <c>sub</c> (and name, email), the requested audiences, the requested
/// scopes the subject token also had, and an <c>act</c> claim naming the client that acts
/// (<c>{"sub": client id}</c>, nesting the subject token's own <c>act</c> when it had one).
/// </summary>
internal sealed class TokenExchangeHandler(ILogger<TokenExchangeHandler> logger)
    : IOpenIddictServerHandler<OpenIddictServerEvents.HandleTokenRequestContext>
{
    /// <summary>RFC 8693 §4.1: the actor claim, a JSON object whose <c>sub</c> is the acting party.</summary>
    public const string ActorClaim = "act";

    private static readonly string[] CopiedClaims = [Claims.Name, Claims.PreferredUsername, Claims.Email];

    public ValueTask HandleAsync(OpenIddictServerEvents.HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // OpenIddict attaches the subject token's principal as context.Principal: issuing that as is
        // would copy the user's token (its audiences, scopes and claims). Replace it.
        if (!context.Request.IsTokenExchangeGrantType())
        {
            return ValueTask.CompletedTask;
        }

        var subject = context.SubjectTokenPrincipal
            ?? throw new InvalidOperationException("The token exchange request has no validated subject token.");
        var clientId = context.Request.ClientId
            ?? throw new InvalidOperationException("The token exchange request has no client_id.");

        var audiences = context.Request.GetAudiences();
        var resources = context.Request.GetResources();
        if (audiences.IsEmpty && resources.IsEmpty)
        {
            context.Reject(Errors.InvalidTarget, "Name the API the token is for: audience=<one of Idp:TokenExchangeAudiences>.");
            return ValueTask.CompletedTask;
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        var user = subject.GetClaim(Claims.Subject);
        identity.SetClaim(Claims.Subject, user);
        foreach (var type in CopiedClaims)
        {
            identity.SetClaim(type, subject.GetClaim(type));
        }

        identity.SetClaim(ActorClaim, Actor(clientId, subject));
        identity.SetScopes(context.Request.GetScopes().Intersect(subject.GetScopes(), StringComparer.Ordinal));
        identity.SetAudiences(audiences);
        identity.SetResources(resources);
        identity.SetPresenters(clientId);

        // The requested (and only allowed) token type is an access token: every claim goes there.
        identity.SetDestinations(static _ => [Destinations.AccessToken]);

        context.SignIn(new ClaimsPrincipal(identity));
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.TokenExchanged(clientId, string.Join(' ', audiences.Concat(resources)), user);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary><c>{"sub": client}</c>, with the subject token's own actor nested (a chain of delegations).</summary>
    private static JsonObject Actor(string clientId, ClaimsPrincipal subject)
    {
        var actor = new JsonObject { [Claims.Subject] = clientId };
        if (subject.GetClaim(ActorClaim) is { } previous)
        {
            try
            {
                actor[ActorClaim] = JsonNode.Parse(previous);
            }
            catch (JsonException)
            {
                actor[ActorClaim] = previous;
            }
        }

        return actor;
    }
}
