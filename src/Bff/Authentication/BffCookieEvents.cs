using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OpenBff.Authentication;

/// <summary>
/// What the session cookie's handler does beyond ASP.NET Core's defaults: a challenge or a forbid
/// is 401 / 403, never a redirect (an SPA's fetch cannot follow one to a login page), and
/// <c>/bff/user?slide=false</c> reads the session without extending it. Each behaviour is assigned
/// to its <c>On…</c> delegate, so a host that wraps one keeps the BFF's behaviour inside.
/// </summary>
internal sealed class BffCookieEvents : CookieAuthenticationEvents
{
    /// <summary>ASP.NET Core's own (it does nothing): a delegate equal to it is not the host's.</summary>
    private static readonly Func<CookieValidatePrincipalContext, Task> DefaultValidatePrincipal = new CookieAuthenticationEvents().OnValidatePrincipal;

    private readonly string _userPath;
    private readonly Func<CookieSlidingExpirationContext, Task> _checkSlidingExpiration;

    public BffCookieEvents(IOptions<BffOptions> bff)
    {
        _userPath = bff.Value.ManagementBasePath + "/user";
        OnRedirectToLogin = static context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        OnRedirectToAccessDenied = static context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
        _checkSlidingExpiration = CheckSlidingExpirationAsync;
        OnCheckSlidingExpiration = _checkSlidingExpiration;
    }

    /// <summary>
    /// True while the two events a session's authentication raises are the BFF's own: no
    /// <c>OnValidatePrincipal</c> (ASP.NET Core's default, which does nothing) and the BFF's
    /// <c>OnCheckSlidingExpiration</c>, which changes nothing unless a renewal is due. Then a request
    /// whose session needs no renewal may skip the cookie handler (<c>BffSessionAuthenticator</c>);
    /// a host that assigns either event gets the cookie handler on every request, its events raised.
    /// </summary>
    internal bool RaiseNothingWithoutRenewal =>
        OnValidatePrincipal == DefaultValidatePrincipal && OnCheckSlidingExpiration == _checkSlidingExpiration;

    private Task CheckSlidingExpirationAsync(CookieSlidingExpirationContext context)
    {
        if (context.Request.Path.Equals(_userPath, StringComparison.OrdinalIgnoreCase)
            && string.Equals(context.Request.Query["slide"], "false", StringComparison.OrdinalIgnoreCase))
        {
            context.ShouldRenew = false;
        }

        if (context.ShouldRenew)
        {
            context.HttpContext.Items[BffItems.SessionRenewed] = true; // /bff/user reports the slid expiry
        }

        return Task.CompletedTask;
    }
}
