using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace OpenBff.Proxy;

/// <summary>
/// Keeps an API from setting the BFF's own cookies: a proxied answer's <c>Set-Cookie</c> for the
/// session cookie (or one of its chunks), the OpenID Connect correlation or nonce cookie is
/// dropped, so an upstream (compromised, or simply careless) can never overwrite or plant the
/// browser's session. Every other cookie passes.
/// </summary>
internal sealed class BffCookieFilter
{
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookie;
    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidc;

    public BffCookieFilter(IOptionsMonitor<CookieAuthenticationOptions> cookie, IOptionsMonitor<OpenIdConnectOptions> oidc)
    {
        _cookie = cookie;
        _oidc = oidc;
    }

    /// <summary>Removes the BFF's cookies from <paramref name="response"/>'s <c>Set-Cookie</c> headers.</summary>
    public void Apply(HttpResponse response)
    {
        var setCookies = response.Headers.SetCookie;
        if (setCookies.Count == 0)
        {
            return;
        }

        var kept = new List<string>(setCookies.Count);
        foreach (var setCookie in setCookies)
        {
            if (setCookie is not null && !IsBffCookie(CookieName(setCookie)))
            {
                kept.Add(setCookie);
            }
        }

        if (kept.Count != setCookies.Count)
        {
            response.Headers.SetCookie = kept.Count == 0 ? StringValues.Empty : new StringValues([.. kept]);
        }
    }

    private bool IsBffCookie(string name)
    {
        var session = _cookie.Get(BffDefaults.CookieScheme).Cookie.Name!;
        var oidc = _oidc.Get(BffDefaults.OidcScheme);

        // Browsers compare names exactly; case-insensitive here refuses a look-alike too.
        return name.StartsWith(session, StringComparison.OrdinalIgnoreCase) // the cookie and its chunks (nameC1, nameC2...)
            || name.StartsWith(oidc.CorrelationCookie.Name!, StringComparison.OrdinalIgnoreCase)
            || name.StartsWith(oidc.NonceCookie.Name!, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The cookie name of a <c>Set-Cookie</c> value: before the first <c>=</c> (RFC 6265 §5.2), trimmed.</summary>
    private static string CookieName(string setCookie)
    {
        var end = setCookie.IndexOfAny(['=', ';']);
        return (end < 0 ? setCookie : setCookie[..end]).Trim();
    }
}
