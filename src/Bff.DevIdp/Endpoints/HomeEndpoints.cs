using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary><c>GET /</c> (who is signed in at the IdP) and <c>GET /health</c> (200 "ok").</summary>
internal static class HomeEndpoints
{
    public static void MapHomeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (Delegate)HomeAsync);
        endpoints.MapGet("/health", () => Results.Text("ok"));
    }

    private static async Task<IResult> HomeAsync(HttpContext context)
    {
        var session = await context.AuthenticateAsync(IdpAuthentication.CookieScheme);
        return HomePage.Render(session.Succeeded ? session.Principal.GetClaim(Claims.PreferredUsername) : null);
    }
}
