using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace OpenBff;

/// <summary>
/// <c>GET /bff/silent-login-callback</c>: the page a silent login ends on, inside the SPA's hidden
/// iframe. It tells the parent window — and only a parent of the same origin — whether the user
/// now has a session. The script is allowed by its hash; nothing else may run or frame it.
/// </summary>
public class DefaultSilentLoginCallbackEndpoint : ISilentLoginCallbackEndpoint
{
    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        var script = $"window.parent.postMessage({{source:'bff-silent-login',isLoggedIn:{(result.Succeeded ? "true" : "false")}}},window.location.origin);";
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'sha256-{hash}'; frame-ancestors 'self'";
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
        await context.Response.WriteAsync($"<!doctype html><html><head><meta charset=\"utf-8\"><title>bff</title></head><body><script>{script}</script></body></html>", cancellationToken);
    }
}
