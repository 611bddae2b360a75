namespace Bff.DevIdp;

/// <summary>
/// RFC 8252 §7.3 style matching: a requested http URI on a loopback host (<c>localhost</c>, <c>127.0.0.1</c>,
/// <c>[::1]</c>) matches a registered loopback URI when path and query are equal, whatever the ports
/// (and whichever of the loopback host names is used). Everything else must match exactly.
/// </summary>
internal static class LoopbackRedirectUri
{
    public static bool Matches(string registered, string requested)
    {
        if (string.Equals(registered, requested, StringComparison.Ordinal))
        {
            return true;
        }

        return TryParseLoopback(registered, out var expected)
            && TryParseLoopback(requested, out var actual)
            && string.Equals(expected.AbsolutePath, actual.AbsolutePath, StringComparison.Ordinal)
            && string.Equals(expected.Query, actual.Query, StringComparison.Ordinal);
    }

    public static bool IsLoopback(string uri) => TryParseLoopback(uri, out _);

    private static bool TryParseLoopback(string value, out Uri uri)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out uri!)
            || uri.Scheme != Uri.UriSchemeHttp
            || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Fragment))
        {
            return false;
        }

        return uri.Host is "localhost" or "127.0.0.1" or "[::1]";
    }
}
