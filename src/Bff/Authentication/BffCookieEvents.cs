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
    private readonly string _userPath;

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
        OnCheckSlidingExpiration = CheckSlidingExpirationAsync;
    }

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
