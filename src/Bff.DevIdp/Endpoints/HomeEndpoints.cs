using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary><c>GET /</c> (who is signed in at the IdP, with the sign-out form) and <c>GET /health</c> (200 "ok").</summary>
internal static class HomeEndpoints
{
    public static void MapHomeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", HomeAsync);
        endpoints.MapGet("/health", () => Results.Text("ok"));
    }

    private static async Task<IResult> HomeAsync(HttpContext context, IAntiforgery antiforgery)
    {
        var session = await context.AuthenticateAsync(IdpAuthentication.CookieScheme);
        var username = session.Succeeded ? session.Principal.GetClaim(Claims.PreferredUsername) : null;
        if (username is null)
        {
            return HomePage.Render(null, "", null);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return HomePage.Render(username, tokens.FormFieldName, tokens.RequestToken);
    }
}
