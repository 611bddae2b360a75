using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace OpenBff.Sessions;

/// <summary>The request's BFF session, found once per request.</summary>
internal static class BffSession
{
    /// <summary>
    /// The authentication middleware's result when it authenticated the session (the cookie is the
    /// default scheme), or found none (no session cookie); otherwise the cookie scheme's answer (an
    /// application may have changed the default).
    /// </summary>
    public static ValueTask<AuthenticateResult> AuthenticateAsync(HttpContext context)
    {
        if (context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true, Ticket.AuthenticationScheme: BffDefaults.CookieScheme } authenticated)
        {
            return new(authenticated);
        }

        return context.Features.Get<IAuthenticationFeature>() is BffAuthenticationFeatures { NoSession: true }
            ? new(AuthenticateResult.NoResult())
            : new(context.AuthenticateAsync(BffDefaults.CookieScheme));
    }
}
