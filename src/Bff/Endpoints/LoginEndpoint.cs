using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Endpoints;

/// <summary><c>GET /bff/login?returnUrl=/path</c>: starts the authorization code flow (PKCE, state, nonce).</summary>
internal sealed class LoginEndpoint
{
    private readonly ILogger<LoginEndpoint> _logger;

    public LoginEndpoint(ILogger<LoginEndpoint> logger) => _logger = logger;

    public async Task HandleAsync(HttpContext context)
    {
        var returnUrl = context.Request.Query["returnUrl"];
        if (returnUrl.Count > 1 || (returnUrl.Count == 1 && !ReturnUrl.IsLocal(returnUrl[0])))
        {
            BffLog.LoginReturnUrlRejected(_logger);
            await BadRequest.WriteAsync(context, "The returnUrl must be a local path, such as /orders.");
            return;
        }

        var properties = new AuthenticationProperties { RedirectUri = returnUrl.Count == 1 ? returnUrl[0]! : "/" };
        BffLog.LoginStarted(_logger);
        await context.ChallengeAsync(BffDefaults.OidcScheme, properties);
    }
}
