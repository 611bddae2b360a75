using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace OpenBff.Sessions;

/// <summary>The request's BFF session, found once per request.</summary>
internal static class BffSession
{
    /// <summary>
    /// The authentication middleware's result when it authenticated the session (the cookie is the
    /// default scheme); otherwise the cookie scheme's answer (an application may have changed the default).
    /// </summary>
    public static async ValueTask<AuthenticateResult> AuthenticateAsync(HttpContext context) =>
        context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true, Ticket.AuthenticationScheme: BffDefaults.CookieScheme } authenticated
            ? authenticated
            : await context.AuthenticateAsync(BffDefaults.CookieScheme);
}
