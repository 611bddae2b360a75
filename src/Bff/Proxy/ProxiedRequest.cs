using System.Net.Http.Headers;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace OpenBff.Proxy;

/// <summary>
/// What every call the BFF forwards to an API gets, whether through a YARP route or a remote API
/// mapped in C#: the browser's headers that must never reach the API are stripped (those named in
/// its <c>Connection</c> header too), and the access token the BFF middleware resolved is attached.
/// </summary>
internal static class ProxiedRequest
{
    /// <summary>
    /// The browser's credentials (<c>Cookie</c>, <c>Authorization</c>, <c>Proxy-Authorization</c>),
    /// the anti-forgery header, and the headers a browser must not choose (<c>Bff:Proxy:RemoveRequestHeaders</c>).
    /// </summary>
    public static IEnumerable<string> StrippedHeaders(BffOptions options) =>
    [
        HeaderNames.Cookie,
        HeaderNames.Authorization,
        options.AntiForgeryHeaderName,
        HeaderNames.ProxyAuthorization,
        .. options.Proxy.RemovedRequestHeaders(),
    ];

    /// <summary>
    /// What a forwarded call gets, in order: the <paramref name="stripped"/> headers removed, those the
    /// browser named in its <c>Connection</c> header removed, and the resolved token attached.
    /// </summary>
    public static void Prepare(HttpContext context, HttpRequestMessage proxyRequest, StrippedRequestHeaders stripped)
    {
        stripped.RemoveFrom(proxyRequest);
        RemoveConnectionListed(context, proxyRequest.Headers);
        AttachToken(context, proxyRequest.Headers);
    }

    /// <summary>
    /// Removes the headers the browser named in its <c>Connection</c> header: they were meant for the
    /// BFF's hop only (RFC 9110 §7.6.1), and YARP forwards them. Kestrel shows the list only when it
    /// holds no connection option or several (<c>X-Hop</c>, <c>close, upgrade, X-Hop</c>); for exactly
    /// one (<c>close, X-Hop</c>) it hands over that option alone, so those names cannot be seen here
    /// (<c>Bff:Proxy:RemoveRequestHeaders</c> drops a known one). <c>Upgrade</c> stays YARP's to
    /// handle, and headers describing the body stay with the body. Call before <see cref="AttachToken"/>.
    /// </summary>
    public static void RemoveConnectionListed(HttpContext context, HttpRequestHeaders headers)
    {
        foreach (var value in context.Request.Headers.Connection)
        {
            var list = value.AsSpan();
            foreach (var range in list.Split(','))
            {
                var name = list[range].Trim();
                if (name.IsEmpty
                    || name.Equals("close", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    || name.Equals(HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase))
                {
                    continue; // connection options, the common case: no allocation
                }

                var header = name.ToString();
                if (headers.NonValidated.Contains(header)) // false for names that are not valid request headers: Remove would throw
                {
                    headers.Remove(header);
                }
            }
        }
    }

    /// <summary>Sets <c>Authorization: Bearer</c> to the token the middleware resolved for <paramref name="context"/>, if any.</summary>
    public static void AttachToken(HttpContext context, HttpRequestHeaders headers)
    {
        if (context.Features.Get<BffAccessTokenFeature>() is not { } token)
        {
            return;
        }

        if ((token.HeaderValue ?? TokenValueCache.BearerHeaderValue(token.AccessToken)) is { } value)
        {
            headers.Remove(HeaderNames.Authorization);
            headers.TryAddWithoutValidation(HeaderNames.Authorization, value); // checked once per token, not parsed per request
        }
        else
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        }
    }
}
