using OpenBff.Core;
using OpenBff.Endpoints;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// <c>GET /bff/logout?sid=..&amp;returnUrl=/</c>: checks <c>sid</c> against the session (400 when it
/// differs), revokes the refresh token, deletes the server-side session and redirects to the
/// provider's end-session endpoint with <c>id_token_hint</c> (RP-Initiated Logout).
/// </summary>
public class DefaultLogoutEndpoint : ILogoutEndpoint
{
    private readonly TokenEndpoint.RefreshTokenRevoker _revoker;
    private readonly ServerSideTicketStore _tickets;
    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidcOptions;
    private readonly IOptions<BffOptions> _bffOptions;
    private readonly ILogger _logger;
    private readonly Events.BffEventRaiser _events;
    private readonly IReturnUrlValidator _returnUrls;

    /// <summary>Creates the endpoint from the BFF's services (<c>AddBff()</c>).</summary>
    public DefaultLogoutEndpoint(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _returnUrls = services.GetRequiredService<IReturnUrlValidator>();
        _events = services.GetRequiredService<Events.BffEventRaiser>();
        _bffOptions = services.GetRequiredService<IOptions<BffOptions>>();
        _revoker = services.GetRequiredService<TokenEndpoint.RefreshTokenRevoker>();
        _tickets = services.GetRequiredService<ServerSideTicketStore>();
        _oidcOptions = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>();
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenBff.Logout.LogoutEndpoint");
    }

    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var returnUrlValues = context.Request.Query["returnUrl"];
        if (!await ReturnUrl.IsAcceptedAsync(returnUrlValues, _returnUrls))
        {
            await BadRequest.WriteAsync(context, "The returnUrl must be a local path, such as /.", "returnUrl");
            return;
        }

        var returnUrl = returnUrlValues.Count == 1 ? ReturnUrl.ForLocation(returnUrlValues[0]!) : "/";
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        if (!result.Succeeded || result.Principal is null || result.Properties is null)
        {
            // No session (expired, or already logged out): nothing to end here.
            context.Response.Redirect(returnUrl);
            return;
        }

        var sid = context.Request.Query["sid"];
        if (_bffOptions.Value.RequireLogoutSessionId && (sid.Count != 1 || !string.Equals(sid[0], SessionIds.For(result.Principal, result.Properties), StringComparison.Ordinal)))
        {
            BffLog.LogoutSidMismatch(_logger);
            await BadRequest.WriteAsync(context, "The sid parameter must match the current session: use the bff:logout_url claim from /bff/user.", "sid");
            return;
        }

        BffLog.LogoutStarted(_logger, result.Principal.FindFirst("sub")?.Value);

        // The tokens as stored now: another instance may have rotated the refresh token since this
        // request's (possibly cached) read of the session.
        var properties = result.Properties.GetSessionKey() is { } key
            && await _tickets.RetrieveFromStoreAsync(key, cancellationToken) is { } current
                ? current.Properties
                : result.Properties;
        if (_bffOptions.Value.RevokeRefreshTokenOnLogout)
        {
            await _revoker.RevokeAsync(properties, cancellationToken);
        }

        var idToken = properties.GetTokenValue(TokenNames.IdToken);
        await context.SignOutAsync(BffDefaults.CookieScheme);
        Diagnostics.BffInstruments.Of(context).UserLoggedOut();
        await _events.SessionEndedAsync(SessionTerminator.Ended(new AuthenticationTicket(result.Principal, properties, BffDefaults.CookieScheme), BffSessionEndReason.Logout), cancellationToken);

        if (!await HasEndSessionEndpointAsync(cancellationToken))
        {
            context.Response.Redirect(returnUrl);
            return;
        }

        context.Items[BffItems.IdTokenHint] = idToken;
        await context.SignOutAsync(BffDefaults.OidcScheme, new AuthenticationProperties { RedirectUri = returnUrl });
    }

    private async Task<bool> HasEndSessionEndpointAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_bffOptions.Value.Oidc.EndSessionEndpoint))
        {
            return true;
        }

        try
        {
            var configuration = await _oidcOptions.Get(BffDefaults.OidcScheme).ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            return !string.IsNullOrEmpty(configuration.EndSessionEndpoint);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false; // provider unreachable: the local session is gone, which is what matters
        }
    }
}
