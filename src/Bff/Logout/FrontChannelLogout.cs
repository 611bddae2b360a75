using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Logout;

/// <summary>
/// OIDC Front-Channel Logout 1.0 at <c>/signout-oidc</c>, when <c>Bff:Oidc:FrontChannelLogout</c>
/// is on. ASP.NET Core's own handling ends the session whenever the session has no <c>sid</c> or
/// <c>iss</c> claim to compare, so any same-site page could log the user out; here a request must
/// name the provider (<c>iss</c>) and the session (<c>sid</c>, the provider's or the BFF's own),
/// or it ends nothing (400). A matching request revokes the refresh token and deletes the session.
/// </summary>
internal sealed class FrontChannelLogout
{
    private readonly SessionTerminator _terminator;
    private readonly ILogger<FrontChannelLogout> _logger;

    public FrontChannelLogout(SessionTerminator terminator, ILogger<FrontChannelLogout> logger)
    {
        _terminator = terminator;
        _logger = logger;
    }

    public async Task HandleAsync(RemoteSignOutContext context)
    {
        context.HandleResponse(); // this decides; the handler's own checks never run
        var http = context.HttpContext;
        http.Response.Headers.CacheControl = "no-store";
        var message = context.ProtocolMessage;
        var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
        if (message is null || string.IsNullOrEmpty(message.Sid) || !string.Equals(message.Iss, configuration.Issuer, StringComparison.Ordinal))
        {
            BffLog.FrontChannelLogoutRejected(_logger, "iss and sid are required and iss must be the provider's");
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var session = await http.AuthenticateAsync(BffDefaults.CookieScheme);
        if (!session.Succeeded || session.Properties?.GetSessionKey() is not { } key)
        {
            return; // nothing to end in this browser: 200
        }

        if (!string.Equals(message.Sid, SessionIds.For(session.Principal!, session.Properties), StringComparison.Ordinal))
        {
            BffLog.FrontChannelLogoutRejected(_logger, "sid is not the session's");
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        await _terminator.EndAsync(key, BffSessionEndReason.FrontChannelLogout, http.RequestAborted);
        await http.SignOutAsync(BffDefaults.CookieScheme); // the cookie goes too
        Diagnostics.BffInstruments.Of(http).FrontChannelLoggedOut();
        BffLog.SessionEnded(_logger, session.Principal!.FindFirst("sub")?.Value, "front-channel logout from the provider");
    }
}
