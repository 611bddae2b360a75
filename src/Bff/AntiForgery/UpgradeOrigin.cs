using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace OpenBff.AntiForgery;

/// <summary>
/// The CSRF defence for requests that switch protocols (a browser's WebSocket handshake, which
/// cannot carry the <c>X-CSRF</c> header). Browsers send <c>Origin</c> on every WebSocket
/// handshake, and the session cookie goes with it whenever the page is on the same site (another
/// port, a sibling subdomain), so the origin decides: it must be the BFF's own or one of
/// <c>Bff:AllowedOrigins</c>. A missing, empty, repeated or <c>null</c> origin is refused.
/// <c>Sec-Fetch-Site</c>, when sent, must agree: <c>same-origin</c> for the BFF's own origin,
/// <c>same-origin</c> or <c>same-site</c> for an allowed one (<c>Bff:AllowedOrigins</c> names
/// origins of the BFF's own site; a cross-site page gets no <c>SameSite</c> session cookie, so it
/// could only open sockets nobody intended to offer it).
/// </summary>
internal static class UpgradeOrigin
{
    private const string SecFetchSite = "Sec-Fetch-Site";

    /// <summary>Null when the upgrade may go on; otherwise why not, for the log.</summary>
    public static string? Refusal(HttpRequest request, BffOptions options)
    {
        var origins = request.Headers[HeaderNames.Origin];
        if (origins.Count == 0)
        {
            return "no Origin header";
        }

        if (origins.Count > 1)
        {
            return "more than one Origin header";
        }

        var origin = origins[0];
        if (string.IsNullOrEmpty(origin) || string.Equals(origin, "null", StringComparison.OrdinalIgnoreCase))
        {
            return "an opaque (null) Origin";
        }

        var kind = RequestOrigin.Classify(request, options, origin);
        if (kind == RequestOrigin.Kind.Foreign)
        {
            return "the Origin is neither the BFF's own nor one of Bff:AllowedOrigins";
        }

        var sites = request.Headers[SecFetchSite];
        if (sites.Count == 0)
        {
            return null; // an older browser: the origin decided
        }

        var site = sites.Count == 1 ? sites[0] : null;
        var agrees = string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase)
            || (kind == RequestOrigin.Kind.Allowed && string.Equals(site, "same-site", StringComparison.OrdinalIgnoreCase));
        return agrees ? null : "Sec-Fetch-Site does not agree with the Origin";
    }
}
