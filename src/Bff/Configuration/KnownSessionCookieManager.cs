using System.Buffers;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace OpenBff.Configuration;

/// <summary>
/// The session cookie's <see cref="ICookieManager"/>. Reading a cookie through ASP.NET Core parses
/// the whole <c>Cookie</c> header into a dictionary of new strings on every request; this finds the
/// session cookie in the header without allocating and, when its value is one
/// <see cref="SessionCache.CachingCookieTicketFormat"/> already decrypted, returns that remembered string.
/// Anything else (another or an unknown value, several <c>Cookie</c> headers, the name twice in any
/// letter case, a chunked cookie, a header that is not plain RFC 6265 <c>name=value; ...</c>) is
/// read by the inner manager exactly as before. Writing and deleting cookies is the inner manager's.
/// </summary>
internal sealed class KnownSessionCookieManager : ICookieManager
{
    /// <summary>RFC 7230 token characters: visible ASCII except the separators.</summary>
    private static readonly SearchValues<char> TokenChars = SearchValues.Create(VisibleAsciiExcept("()<>@,;:\\\"/[]?={}"));

    /// <summary>RFC 6265 cookie-octets, less '%': visible ASCII except DQUOTE, comma, semicolon, backslash and '%'.</summary>
    private static readonly SearchValues<char> CookieOctets = SearchValues.Create(VisibleAsciiExcept("\",;\\%"));

    private readonly ICookieManager _inner;
    private readonly SessionCache.CachingCookieTicketFormat _known;

    public KnownSessionCookieManager(ICookieManager inner, SessionCache.CachingCookieTicketFormat known)
    {
        _inner = inner;
        _known = known;
    }

    /// <summary>The ticket format whose remembered cookies this manager finds.</summary>
    public SessionCache.CachingCookieTicketFormat Format => _known;

    public string? GetRequestCookie(HttpContext context, string key) =>
        TryFindValue(context, key, out var value) && _known.FindKnownCookie(value) is { } known
            ? known
            : _inner.GetRequestCookie(context, key);

    /// <summary>
    /// The request's cookie <paramref name="key"/>, with the session-store key it holds, when its value
    /// is one <see cref="SessionCache.CachingCookieTicketFormat"/> already decrypted; null otherwise
    /// (anything <see cref="GetRequestCookie"/> leaves to the inner manager included).
    /// </summary>
    public SessionCache.KnownSession? FindKnownSession(HttpContext context, string key) =>
        TryFindValue(context, key, out var value) ? _known.FindKnownSession(value) : null;

    /// <summary>
    /// True when no <c>Cookie</c> header of the request can hold cookie <paramref name="key"/>: none
    /// mentions its name in any letter case, and none has a <c>%</c> (ASP.NET Core unescapes the
    /// names it parses). The inner manager would then read no cookie and the cookie handler answer
    /// <c>AuthenticateResult.NoResult()</c>. Conservative: a header that merely mentions the name
    /// (in another cookie's value, say) is false, and is read as before.
    /// </summary>
    public static bool CarriesNoCookie(HttpContext context, string key)
    {
        foreach (var header in context.Request.Headers.Cookie)
        {
            if (header is not null && (header.Contains('%', StringComparison.Ordinal) || header.Contains(key, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        _inner.AppendResponseCookie(context, key, value, options);

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
        _inner.DeleteCookie(context, key, options);

    private static bool TryFindValue(HttpContext context, string key, out ReadOnlySpan<char> value)
    {
        var header = context.Request.Headers.Cookie;
        if (header.Count == 1 && header[0] is { } text && TryFindSingleValue(text, key, out var start, out var length))
        {
            value = text.AsSpan(start, length);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Finds <paramref name="name"/>'s value in a well-formed <c>Cookie</c> header (RFC 6265 §4.2.1:
    /// pairs of a token and unquoted cookie-octets, separated by <c>;</c> and optional spaces) in
    /// which the name occurs once, ignoring case as ASP.NET Core does.
    /// </summary>
    internal static bool TryFindSingleValue(string header, string name, out int start, out int length)
    {
        start = length = 0;
        var found = false;
        var position = 0;
        while (position < header.Length)
        {
            while (position < header.Length && header[position] == ' ')
            {
                position++;
            }

            var end = header.IndexOf(';', position);
            if (end < 0)
            {
                end = header.Length;
            }

            var pair = header.AsSpan(position, end - position).TrimEnd(' ');
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !IsToken(pair[..equals]) || !IsCookieValue(pair[(equals + 1)..]))
            {
                return false;
            }

            if (pair[..equals].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                if (found)
                {
                    return false;
                }

                found = true;
                start = position + equals + 1;
                length = pair.Length - equals - 1;
            }

            position = end + 1;
        }

        return found && length > 0 && !header.AsSpan(start, length).StartsWith("chunks-", StringComparison.Ordinal);
    }

    private static bool IsToken(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(TokenChars);

    /// <summary>cookie-octets: visible ASCII except DQUOTE, comma, semicolon and backslash; no '%' (ASP.NET Core would unescape it).</summary>
    private static bool IsCookieValue(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(CookieOctets);

    private static string VisibleAsciiExcept(string excluded) =>
        string.Concat(Enumerable.Range('!', '~' - '!' + 1).Select(c => (char)c).Where(c => !excluded.Contains(c, StringComparison.Ordinal)));
}
