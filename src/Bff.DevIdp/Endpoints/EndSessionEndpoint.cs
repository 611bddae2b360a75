using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// <c>/connect/endsession</c> (passthrough, RP-initiated logout): ends the IdP login session, notifies by
/// back-channel logout every client recorded in that session (the one of the IdP cookie and, when different or
/// when there is no cookie, the <c>sid</c> of the validated <c>id_token_hint</c>; the initiating client included),
/// then lets OpenIddict redirect to the validated <c>post_logout_redirect_uri</c> (with <c>state</c>), or shows a
/// "signed out" page when none was given.
/// </summary>
internal static class EndSessionEndpoint
{
    public static void MapEndSessionEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSessionAsync);

    private static async Task<IResult> EndSessionAsync(
        HttpContext context,
        BackChannelLogoutNotifier notifier,
        IOptionsMonitor<OpenIddictServerOptions> serverOptions,
        ILoggerFactory loggerFactory)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await context.AuthenticateAsync(IdpAuthentication.CookieScheme);
        if (session.Succeeded && session.Principal.GetClaim(Claims.Subject) is { } subject)
        {
            loggerFactory.CreateLogger(typeof(EndSessionEndpoint).FullName!).UserSignedOut(subject, "RP-initiated");
        }

        // The id_token_hint, already validated by OpenIddict (no principal when absent).
        var hint = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

        await context.SignOutAsync(IdpAuthentication.CookieScheme);

        // Not bound to RequestAborted: the clients are notified even if the browser goes away. Each
        // notification has its own timeout, so this cannot hang.
        await notifier.NotifyAsync(
            [
                session.Succeeded ? session.Principal.GetClaim(IdpScopes.SessionIdClaim) : null,
                hint.Succeeded ? hint.Principal.GetClaim(IdpScopes.SessionIdClaim) : null,
            ],
            IdpIssuer.Of(context, serverOptions.CurrentValue),
            CancellationToken.None);

        if (string.IsNullOrEmpty(request.PostLogoutRedirectUri))
        {
            return SignedOutPage.Render();
        }

        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
