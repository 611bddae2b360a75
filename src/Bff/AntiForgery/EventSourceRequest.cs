using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace OpenBff.AntiForgery;

/// <summary>
/// A browser's <c>EventSource</c> (server-sent events; SignalR's SSE transport in a browser) cannot
/// send the <c>X-CSRF</c> header, like a WebSocket. Its GET is accepted without the header when the
/// browser's fetch metadata, which a page cannot set, says it is an <c>EventSource</c> of the BFF's
/// own site: <c>Accept: text/event-stream</c>, <c>Sec-Fetch-Mode: cors</c>,
/// <c>Sec-Fetch-Dest: empty</c>, and <c>Sec-Fetch-Site: same-origin</c> (with no <c>Origin</c>,
/// or the BFF's own) or <c>same-site</c> with an <c>Origin</c> in <c>Bff:AllowedOrigins</c>. Without
/// fetch metadata (an older browser, a non-browser client) the header is still required; SignalR's
/// client then falls back to long polling, whose requests carry the header.
/// </summary>
internal static class EventSourceRequest
{
    public static bool IsFromOwnSite(HttpRequest request, BffOptions options)
    {
        if (!HttpMethods.IsGet(request.Method)
            || !IsOnly(request.Headers.Accept, "text/event-stream")
            || !IsOnly(request.Headers["Sec-Fetch-Mode"], "cors")
            || !IsOnly(request.Headers["Sec-Fetch-Dest"], "empty"))
        {
            return false;
        }

        var origins = request.Headers[HeaderNames.Origin];
        if (origins.Count > 1)
        {
            return false;
        }

        var kind = origins.Count == 0 ? (RequestOrigin.Kind?)null : RequestOrigin.Classify(request, options, origins[0] ?? string.Empty);
        var site = request.Headers["Sec-Fetch-Site"];
        return IsOnly(site, "same-origin") ? kind is null or RequestOrigin.Kind.Own
            : IsOnly(site, "same-site") && kind == RequestOrigin.Kind.Allowed;
    }

    private static bool IsOnly(Microsoft.Extensions.Primitives.StringValues values, string expected) =>
        values.Count == 1 && string.Equals(values[0], expected, StringComparison.OrdinalIgnoreCase);
}
