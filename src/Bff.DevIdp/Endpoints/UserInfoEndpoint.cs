using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// <c>/connect/userinfo</c> (passthrough; OpenIddict has already validated the access token): <c>sub</c>, plus
/// <c>name</c>/<c>preferred_username</c> with the profile scope and <c>email</c> with the email scope.
/// </summary>
internal static class UserInfoEndpoint
{
    public static void MapUserInfoEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync);

    private static async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal.GetClaim(Claims.Subject) is not { } subject)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not valid.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var principal = result.Principal;
        var claims = new Dictionary<string, string>(StringComparer.Ordinal) { [Claims.Subject] = subject };
        if (principal.HasScope(Scopes.Profile))
        {
            AddIfPresent(claims, Claims.Name, principal.GetClaim(Claims.Name));
            AddIfPresent(claims, Claims.PreferredUsername, principal.GetClaim(Claims.PreferredUsername));
        }

        if (principal.HasScope(Scopes.Email))
        {
            AddIfPresent(claims, Claims.Email, principal.GetClaim(Claims.Email));
        }

        return Results.Json(claims);
    }

    private static void AddIfPresent(Dictionary<string, string> claims, string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            claims[type] = value;
        }
    }
}
