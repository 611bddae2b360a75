using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>
/// <c>/connect/authorize</c> (passthrough, after OpenIddict validated the request): sends anonymous users to the
/// login page (or answers <c>login_required</c> for <c>prompt=none</c>), honours <c>prompt=login</c> and
/// <c>max_age</c>, and otherwise issues the authorization code without consent screen, recording the client,
/// <c>sid</c>, <c>sub</c> and <c>redirect_uri</c> for back-channel logout (<see cref="ClientSessionStore"/>).
/// </summary>
internal static class AuthorizeEndpoint
{
    private const string LoginRequestedCookie = "devidp.login_requested";

    public static void MapAuthorizeEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);

    private static async Task<IResult> AuthorizeAsync(
        HttpContext context,
        UserDirectory users,
        IOpenIddictScopeManager scopeManager,
        ClientSessionStore clientSessions,
        TimeProvider timeProvider,
        IOptions<IdpOptions> options,
        ILoggerFactory loggerFactory)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await context.AuthenticateAsync(IdpAuthentication.CookieScheme);
        var principal = session.Succeeded ? session.Principal : null;
        var user = users.FindBySubject(principal?.GetClaim(Claims.Subject));

        // prompt=login is satisfied by a login after it was asked for: the authorization request comes
        // back unchanged after the login when it was pushed (PAR's request_uri still says prompt=login).
        var loginRequested = request.HasPromptValue(PromptValues.Login) && !LoggedInSinceAsked(context, principal);
        if (user is null || loginRequested || IsTooOld(principal, request, timeProvider))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user is not signed in at the IdP.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            if (loginRequested)
            {
                context.Response.Cookies.Append(
                    LoginRequestedCookie,
                    timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                    new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, Path = "/" });
            }

            var returnUrl = await BuildReturnUrlAsync(context, request);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [IdpAuthentication.CookieScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.Name ?? user.Username)
            .SetClaim(Claims.PreferredUsername, user.Username)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(IdpScopes.SessionIdClaim, principal!.GetClaim(IdpScopes.SessionIdClaim))
            .SetClaim(Claims.AuthenticationTime, AuthTimeOf(principal));

        identity.SetScopes(request.GetScopes());
        var resources = new List<string>();
        await foreach (var resource in scopeManager.ListResourcesAsync(identity.GetScopes(), context.RequestAborted))
        {
            resources.Add(resource);
        }

        identity.SetResources(resources);
        ClaimDestinations.Apply(identity, options.Value.SessionIdInIdentityToken);

        // Remembered for back-channel logout when this IdP session ends (OpenIddict has already validated the
        // client and its redirect_uri).
        var sessionId = principal!.GetClaim(IdpScopes.SessionIdClaim);
        if (!string.IsNullOrEmpty(request.ClientId) && !string.IsNullOrEmpty(sessionId))
        {
            await clientSessions.RecordAsync(request.ClientId, sessionId, user.Subject, request.RedirectUri, context.RequestAborted);
        }

        loggerFactory.CreateLogger(typeof(AuthorizeEndpoint).FullName!).CodeIssued(request.ClientId, user.Subject);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Whether the user logged in at the IdP after a <c>prompt=login</c> asked for it (the cookie set then).</summary>
    private static bool LoggedInSinceAsked(HttpContext context, ClaimsPrincipal? principal)
    {
        if (!long.TryParse(context.Request.Cookies[LoginRequestedCookie], NumberStyles.Integer, CultureInfo.InvariantCulture, out var askedAt)
            || AuthTimeOf(principal) is not { } authTime || authTime < askedAt)
        {
            return false;
        }

        context.Response.Cookies.Delete(LoginRequestedCookie, new CookieOptions { Path = "/" });
        return true;
    }

    private static bool IsTooOld(ClaimsPrincipal? principal, OpenIddictRequest request, TimeProvider timeProvider)
    {
        if (request.MaxAge is not { } maxAge || AuthTimeOf(principal) is not { } authTime)
        {
            return false;
        }

        return timeProvider.GetUtcNow().ToUnixTimeSeconds() - authTime > maxAge;
    }

    private static long? AuthTimeOf(ClaimsPrincipal? principal) =>
        long.TryParse(principal?.GetClaim(Claims.AuthenticationTime), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>
    /// The authorization request to come back to after login, without <c>prompt=login</c> and <c>max_age</c>
    /// (they are satisfied by the fresh login; keeping them would loop).
    /// </summary>
    private static async Task<string> BuildReturnUrlAsync(HttpContext context, OpenIddictRequest request)
    {
        IEnumerable<KeyValuePair<string, StringValues>> source = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted)
            : context.Request.Query;

        var parameters = source
            .Where(parameter => parameter.Key is not (Parameters.Prompt or Parameters.MaxAge))
            .ToList();

        var prompt = string.Join(' ', request.GetPromptValues().Remove(PromptValues.Login));
        if (prompt.Length > 0)
        {
            parameters.Add(new KeyValuePair<string, StringValues>(Parameters.Prompt, prompt));
        }

        return context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
    }
}
