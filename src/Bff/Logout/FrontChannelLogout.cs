using OpenBff.Endpoints;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Logging;

namespace OpenBff.Logout;

/// <summary>
/// OIDC Front-Channel Logout 1.0 at <c>/signout-oidc</c>, when <c>Bff:Oidc:FrontChannelLogout</c>
/// is on. ASP.NET Core's own handling ends the session whenever the session has no <c>sid</c> or
/// <c>iss</c> claim to compare, so any same-site page could log the user out; here a request must
/// name the provider (<c>iss</c>) and the session (<c>sid</c>, the provider's or the BFF's own),
/// or it ends nothing (400, a problem naming the parameter). A matching request revokes the refresh token and deletes the session.
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
        if (message is null || !string.Equals(message.Iss, configuration.Issuer, StringComparison.Ordinal))
        {
            BffLog.FrontChannelLogoutRejected(_logger, "iss is missing or not the provider's");
            await BadRequest.WriteAsync(http, "A front-channel logout request must name the provider: iss is missing or not the provider's issuer.", "iss");
            return;
        }

        if (string.IsNullOrEmpty(message.Sid))
        {
            BffLog.FrontChannelLogoutRejected(_logger, "sid is missing");
            await BadRequest.WriteAsync(http, "A front-channel logout request must name the session: sid is missing.", "sid");
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
            await BadRequest.WriteAsync(http, "The sid is not this browser's session; nothing was ended.", "sid");
            return;
        }

        await _terminator.SignOutAsync(http, key, BffSessionEndReason.FrontChannelLogout); // the session, its refresh token and the cookie
        Diagnostics.BffInstruments.Of(http).FrontChannelLoggedOut();
        BffLog.SessionEnded(_logger, session.Principal!.FindFirst("sub")?.Value, "front-channel logout from the provider");
    }
}
