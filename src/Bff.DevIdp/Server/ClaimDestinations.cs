using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// Decides in which tokens a claim is written. <c>sub</c> is always written by OpenIddict; name and email go to
/// the access token always and to the identity token when the profile/email scope was granted; <c>sid</c> goes
/// to both (to the access token only when <see cref="IdpOptions.SessionIdInIdentityToken"/> is off); <c>auth_time</c>
/// to the identity token only.
/// </summary>
internal static class ClaimDestinations
{
    private static readonly string[] AccessTokenOnly = [Destinations.AccessToken];
    private static readonly string[] Both = [Destinations.AccessToken, Destinations.IdentityToken];
    private static readonly string[] IdentityTokenOnly = [Destinations.IdentityToken];

    public static void Apply(ClaimsIdentity identity, bool sessionIdInIdentityToken = true)
    {
        var principal = new ClaimsPrincipal(identity);
        var profile = principal.HasScope(Scopes.Profile);
        var email = principal.HasScope(Scopes.Email);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.PreferredUsername => profile ? Both : AccessTokenOnly,
            Claims.Email => email ? Both : AccessTokenOnly,
            IdpScopes.SessionIdClaim => sessionIdInIdentityToken ? Both : AccessTokenOnly,
            Claims.AuthenticationTime => IdentityTokenOnly,
            _ => AccessTokenOnly,
        });
    }
}
