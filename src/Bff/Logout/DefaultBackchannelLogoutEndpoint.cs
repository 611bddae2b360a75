using System.Text.Json;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenBff;

/// <summary>
/// <c>POST /bff/backchannel</c> (OIDC Back-Channel Logout 1.0): the provider posts a
/// <c>logout_token</c>; a valid one ends the named session (<c>sid</c>) or all the user's sessions
/// (<c>sub</c> only), each one's refresh token revoked, and gets 200; anything invalid gets 400
/// and ends nothing.
/// </summary>
public class DefaultBackchannelLogoutEndpoint : IBackchannelLogoutEndpoint
{
    private readonly Logout.LogoutTokenValidator _validator;
    private readonly SessionTerminator _terminator;
    private readonly ILogger _logger;

    /// <summary>Creates the endpoint from the BFF's services (<c>AddBff()</c>).</summary>
    public DefaultBackchannelLogoutEndpoint(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _validator = services.GetRequiredService<Logout.LogoutTokenValidator>();
        _terminator = services.GetRequiredService<SessionTerminator>();
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenBff.Logout.BackChannelLogoutEndpoint");
    }

    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.HasFormContentType)
        {
            await RejectAsync(context, "the request must be application/x-www-form-urlencoded");
            return;
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var tokens = form["logout_token"];
        if (tokens.Count != 1 || string.IsNullOrEmpty(tokens[0]))
        {
            await RejectAsync(context, "exactly one logout_token is required");
            return;
        }

        Logout.LogoutTokenResult result;
        try
        {
            result = await _validator.ValidateAsync(tokens[0]!, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or JsonException or Microsoft.IdentityModel.Tokens.SecurityTokenException)
        {
            result = Logout.LogoutTokenResult.Invalid("malformed token");
        }

        if (!result.IsValid)
        {
            await RejectAsync(context, result.Error!);
            return;
        }

        // The provider ended its session; the refresh tokens still die with ours (and a provider that
        // keeps offline grants alive past its session learns that this client is done with them).
        var ended = await _terminator.EndAllAsync(result.Sessions!, BffSessionEndReason.BackChannelLogout, cancellationToken);
        Diagnostics.BffInstruments.Of(context).BackChannelLoggedOut(ended);
        BffLog.BackChannelLogout(_logger, ended);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>
    /// 400 with the spec's generic error (§2.8): which check failed goes to the log only, so a
    /// caller probing with forged tokens learns nothing about how far each one got.
    /// </summary>
    private Task RejectAsync(HttpContext context, string reason)
    {
        BffLog.BackChannelLogoutRejected(_logger, reason);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"error\":\"invalid_request\"}", context.RequestAborted);
    }
}
