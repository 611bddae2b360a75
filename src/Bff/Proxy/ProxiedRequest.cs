using System.Net.Http.Headers;
using Bff.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Bff.Proxy;

/// <summary>
/// What every call the BFF forwards to an API gets, whether through a YARP route or a remote API
/// mapped in C#: the browser's headers that must never reach the API are stripped, and the access
/// token the BFF middleware resolved is attached.
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

    /// <summary>Sets <c>Authorization: Bearer</c> to the token the middleware resolved for <paramref name="context"/>, if any.</summary>
    public static void AttachToken(HttpContext context, HttpRequestHeaders headers)
    {
        if (context.Features.Get<BffAccessTokenFeature>() is not { } token)
        {
            return;
        }

        if (TokenValueCache.BearerHeaderValue(token.AccessToken) is { } value)
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
