using Microsoft.AspNetCore.Http;

namespace OpenBff.AntiForgery;

/// <summary>
/// A second CSRF line behind the <c>X-CSRF</c> header, for state-changing requests (not GET, HEAD,
/// OPTIONS): a browser that says the request comes from another site (<c>Sec-Fetch-Site: cross-site</c>,
/// or an <c>Origin</c> that is neither this origin nor one of <c>Bff:AllowedOrigins</c>) is refused.
/// Upgrades (WebSocket handshakes) are GETs: <see cref="UpgradeOrigin"/> checks them.
/// </summary>
internal static class CrossSiteRequest
{
    public static bool IsRejected(HttpRequest request, BffOptions options)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        var site = request.Headers["Sec-Fetch-Site"];
        if (site.Count > 0 && string.Equals(site[0], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origins = request.Headers.Origin;
        if (origins.Count == 0)
        {
            return false; // not a browser's cross-origin request (browsers send Origin on every unsafe request)
        }

        // "null" (an opaque origin: a sandboxed frame, a data: URL) is not an origin and is refused.
        return origins.Count > 1 || RequestOrigin.Classify(request, options, origins[0] ?? string.Empty) == RequestOrigin.Kind.Foreign;
    }
}
