using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// <c>/connect/endsession</c> (passthrough): ends the IdP login session, then lets OpenIddict redirect to the
/// validated <c>post_logout_redirect_uri</c> (with <c>state</c>), or shows a "signed out" page when none was given.
/// </summary>
internal static class EndSessionEndpoint
{
    public static void MapEndSessionEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSessionAsync);

    private static async Task<IResult> EndSessionAsync(HttpContext context, ILoggerFactory loggerFactory)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await context.AuthenticateAsync(IdpAuthentication.CookieScheme);
        if (session.Succeeded && session.Principal.GetClaim(Claims.Subject) is { } subject)
        {
            loggerFactory.CreateLogger(typeof(EndSessionEndpoint).FullName!).UserSignedOut(subject);
        }

        await context.SignOutAsync(IdpAuthentication.CookieScheme);

        if (string.IsNullOrEmpty(request.PostLogoutRedirectUri))
        {
            return SignedOutPage.Render();
        }

        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
