using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace OpenBff.AntiForgery;

/// <summary>
/// Where a request's <c>Origin</c> header says the page that sent it comes from: the BFF's own
/// origin, one of <c>Bff:AllowedOrigins</c>, or anywhere else. The BFF's own origin is the
/// request's scheme and <c>Host</c>, which <c>Bff:PublicOrigin</c> sets when configured
/// (<see cref="PublicOriginMiddleware"/> runs first). Origins are compared as RFC 6454 tuples:
/// scheme and host ignoring case, ports with the scheme's default filled in, so
/// <c>http://localhost</c> and a <c>Host: localhost:80</c> are one origin. No allocation.
/// </summary>
internal static class RequestOrigin
{
    private static readonly SearchValues<char> NotInAuthority = SearchValues.Create("/?#@\\ ");

    public enum Kind
    {
        /// <summary>Not an origin (malformed, <c>null</c>, a path after it) or another origin.</summary>
        Foreign,

        /// <summary>The BFF's own origin.</summary>
        Own,

        /// <summary>One of <c>Bff:AllowedOrigins</c>.</summary>
        Allowed,
    }

    public static Kind Classify(HttpRequest request, BffOptions options, string origin)
    {
        if (!TryParse(origin, out var scheme, out var host, out var port))
        {
            return Kind.Foreign;
        }

        var own = request.Host;
        if (scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
            && host.Equals(own.Host, StringComparison.OrdinalIgnoreCase)
            && port == (own.Port ?? DefaultPort(request.Scheme)))
        {
            return Kind.Own;
        }

        foreach (var allowed in options.AllowedOrigins)
        {
            if (TryParse(allowed, out var allowedScheme, out var allowedHost, out var allowedPort)
                && scheme.Equals(allowedScheme, StringComparison.OrdinalIgnoreCase)
                && host.Equals(allowedHost, StringComparison.OrdinalIgnoreCase)
                && port == allowedPort)
            {
                return Kind.Allowed;
            }
        }

        return Kind.Foreign;
    }

    /// <summary>
    /// Reads <c>scheme://host[:port]</c> (an origin as browsers serialize it; the host may be an
    /// IPv6 literal in brackets); false for anything else: <c>null</c>, a path, userinfo, an
    /// empty host, a port that is not a number from 1 to 65535, a scheme without a default port and none given.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<char> origin, out ReadOnlySpan<char> scheme, out ReadOnlySpan<char> host, out int port)
    {
        scheme = default;
        host = default;
        port = 0;
        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        scheme = origin[..separator];
        var authority = origin[(separator + 3)..];
        if (authority.IsEmpty || authority.IndexOfAny(NotInAuthority) >= 0)
        {
            return false;
        }

        ReadOnlySpan<char> digits;
        if (authority[0] == '[')
        {
            // An IPv6 literal: the port, if any, follows the closing bracket.
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = authority[..(close + 1)];
            var rest = authority[(close + 1)..];
            if (!rest.IsEmpty && rest[0] != ':')
            {
                return false;
            }

            if (rest.IsEmpty)
            {
                port = DefaultPort(scheme);
                return port > 0;
            }

            digits = rest[1..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon < 0)
            {
                host = authority;
                port = DefaultPort(scheme);
                return port > 0;
            }

            host = authority[..colon];
            digits = authority[(colon + 1)..];
        }

        return !host.IsEmpty
            && digits.Length is > 0 and <= 5
            && !digits.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }

    private static int DefaultPort(ReadOnlySpan<char> scheme) =>
        scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443
        : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80
        : 0;
}
