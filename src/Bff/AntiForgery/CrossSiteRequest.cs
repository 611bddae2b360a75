using Microsoft.AspNetCore.Http;

namespace OpenBff.AntiForgery;

/// <summary>
/// A second CSRF line behind the <c>X-CSRF</c> header, for state-changing requests (not GET, HEAD,
/// OPTIONS): a browser that says the request comes from another site (<c>Sec-Fetch-Site: cross-site</c>,
/// or an <c>Origin</c> that is neither this origin nor one of <c>Bff:AllowedOrigins</c>) is refused.
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

        var origin = origins[0];
        if (origins.Count > 1 || string.IsNullOrEmpty(origin) || origin == "null")
        {
            return true;
        }

        var own = $"{request.Scheme}://{request.Host.Value}";
        return !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            && !options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }
}
