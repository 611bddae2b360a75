using Microsoft.AspNetCore.Http;

namespace OpenBff.AntiForgery;

/// <summary>
/// The BFF's CSRF defence: a custom request header (<c>X-CSRF: 1</c>) that a cross-site page
/// cannot send without a CORS preflight the BFF never grants.
/// </summary>
internal static class AntiForgeryHeader
{
    public static bool IsPresent(HttpRequest request, BffOptions options)
    {
        var values = request.Headers[options.AntiForgeryHeaderName];
        return values.Count == 1 && string.Equals(values[0], options.AntiForgeryHeaderValue, StringComparison.Ordinal);
    }
}
