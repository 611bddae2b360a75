using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Sessions;

/// <summary>
/// A completed login always starts a new session: the session the browser held before (alice's,
/// when bob logs in on the same computer; or the same user's) is ended, its refresh token revoked,
/// before the cookie handler signs in. The cookie handler renews the session named by the request's
/// cookie when that session still exists (by design, for concurrent requests), which would keep the
/// old session's key, claims and tokens; once the old session is gone it stores a new one under a
/// new key. The previous session is known two ways: the key <c>/bff/login</c> saw in the cookie,
/// carried in the protected <c>state</c> (the callback is a cross-site navigation, which does not
/// carry a <c>SameSite=Strict</c> cookie), and the cookie on the callback itself when it carries one.
/// </summary>
internal sealed class PreviousSessionEnder
{
    private readonly SessionTerminator _terminator;
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookies;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly ILogger<PreviousSessionEnder> _logger;

    public PreviousSessionEnder(SessionTerminator terminator, IOptionsMonitor<CookieAuthenticationOptions> cookies, Diagnostics.BffInstruments metrics, ILogger<PreviousSessionEnder> logger)
    {
        _metrics = metrics;
        _terminator = terminator;
        _cookies = cookies;
        _logger = logger;
    }

    /// <summary>At <c>/bff/login</c>: remembers the browser's current session in the login's properties.</summary>
    public static async Task RememberAsync(HttpContext context, AuthenticationProperties login)
    {
        var current = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        if (current.Succeeded && current.Properties?.GetSessionKey() is { } key)
        {
            login.Items[BffItems.PreviousSession] = key;
        }
    }

    /// <summary>At the callback, before the sign-in: ends every session this browser held.</summary>
    public async Task EndAsync(HttpContext context, AuthenticationProperties newSession)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (newSession.Items.Remove(BffItems.PreviousSession, out var remembered) && !string.IsNullOrEmpty(remembered))
        {
            keys.Add(remembered);
        }

        if (KeyFromCookie(context) is { } fromCookie)
        {
            keys.Add(fromCookie);
        }

        foreach (var key in keys)
        {
            var previous = await _terminator.EndAsync(key, BffSessionEndReason.Replaced, context.RequestAborted);
            if (previous is null)
            {
                continue; // ended already (logout, expiry, another login)
            }

            _metrics.SessionReplaced();
            BffLog.SessionEnded(_logger, previous.Principal.FindFirst("sub")?.Value, "a new login in the same browser replaces it");
        }
    }

    /// <summary>
    /// The session key in the request's session cookie, read without the cookie handler: asking the
    /// handler would make it remember the session and renew it at the sign-in.
    /// </summary>
    private string? KeyFromCookie(HttpContext context)
    {
        var options = _cookies.Get(BffDefaults.CookieScheme);
        var value = options.CookieManager.GetRequestCookie(context, options.Cookie.Name!);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return options.TicketDataFormat.Unprotect(value)?.Principal.FindFirst(SessionCache.CachingCookieTicketFormat.SessionIdClaim)?.Value;
    }
}
