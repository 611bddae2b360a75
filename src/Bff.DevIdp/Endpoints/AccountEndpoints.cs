using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// <c>GET/POST /account/login</c>: the login form and its submission; <c>POST /account/logout</c>: the IdP-initiated
/// sign-out (form of the home page), which notifies the clients of the session by back-channel logout before
/// redirecting to <c>/</c>. Both posts are antiforgery-protected.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(IdpAuthentication.LoginPath, ShowLogin);
        endpoints.MapPost(IdpAuthentication.LoginPath, SubmitLoginAsync);
        endpoints.MapPost(IdpAuthentication.LogoutPath, SubmitLogoutAsync);
    }

    private static IResult ShowLogin(HttpContext context, IAntiforgery antiforgery, IOptions<IdpOptions> options, string? returnUrl)
    {
        returnUrl = string.IsNullOrEmpty(returnUrl) ? "/" : returnUrl;
        if (!IdpAuthentication.IsLocalUrl(returnUrl))
        {
            return Results.BadRequest("returnUrl must be a local URL.");
        }

        return RenderForm(context, antiforgery, options.Value, returnUrl, username: null, failed: false);
    }

    private static async Task<IResult> SubmitLoginAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        IOptions<IdpOptions> options,
        UserDirectory users,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(AccountEndpoints).FullName!);
        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest("A form post is expected.");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException exception)
        {
            logger.AntiforgeryFailed(exception);
            return Results.BadRequest("The antiforgery token is missing or invalid. Reload the login page.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? returnUrl = form[IdpAuthentication.ReturnUrlParameter];
        returnUrl = string.IsNullOrEmpty(returnUrl) ? "/" : returnUrl;
        if (!IdpAuthentication.IsLocalUrl(returnUrl))
        {
            return Results.BadRequest("returnUrl must be a local URL.");
        }

        string? username = form["username"];
        var user = users.ValidateCredentials(username, form["password"]);
        if (user is null)
        {
            logger.SignInFailed(username ?? "");
            return RenderForm(context, antiforgery, options.Value, returnUrl, username, failed: true);
        }

        var sessionId = Guid.NewGuid().ToString("N");
        var identity = new ClaimsIdentity(IdpAuthentication.CookieScheme, Claims.PreferredUsername, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Subject));
        identity.AddClaim(new Claim(Claims.PreferredUsername, user.Username));
        identity.AddClaim(new Claim(IdpScopes.SessionIdClaim, sessionId));
        identity.AddClaim(new Claim(
            Claims.AuthenticationTime,
            timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ClaimValueTypes.Integer64));

        await context.SignInAsync(
            IdpAuthentication.CookieScheme,
            new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = false });
        logger.UserSignedIn(user.Username, sessionId);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> SubmitLogoutAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        BackChannelLogoutNotifier notifier,
        IOptionsMonitor<OpenIddictServerOptions> serverOptions,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(AccountEndpoints).FullName!);
        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest("A form post is expected.");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException exception)
        {
            logger.LogoutAntiforgeryFailed(exception);
            return Results.BadRequest("The antiforgery token is missing or invalid. Reload the home page.");
        }

        var session = await context.AuthenticateAsync(IdpAuthentication.CookieScheme);
        await context.SignOutAsync(IdpAuthentication.CookieScheme);
        if (session.Succeeded)
        {
            var subject = session.Principal.GetClaim(Claims.Subject) ?? "";
            logger.UserSignedOut(subject, "IdP-initiated");

            // Not bound to RequestAborted: the clients are notified even if the browser goes away. Each
            // notification has its own timeout, so this cannot hang.
            await notifier.NotifyAsync(
                [session.Principal.GetClaim(IdpScopes.SessionIdClaim)],
                IdpIssuer.Of(context, serverOptions.CurrentValue),
                CancellationToken.None);
        }

        return Results.Redirect("/");
    }

    private static IResult RenderForm(
        HttpContext context, IAntiforgery antiforgery, IdpOptions options, string returnUrl, string? username, bool failed)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return LoginPage.Render(returnUrl, tokens.FormFieldName, tokens.RequestToken, options, username, failed);
    }
}
