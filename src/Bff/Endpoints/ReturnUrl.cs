namespace OpenBff.Endpoints;

/// <summary>
/// Decides whether a <c>returnUrl</c> is a local path the BFF may redirect to. Anything else
/// (absolute, scheme-relative, backslashes, control characters, or any of those hidden behind
/// percent-encoding) is refused: the login and logout endpoints answer 400.
/// </summary>
internal static class ReturnUrl
{
    private const int MaxLength = 2048;
    private const int MaxDecodingRounds = 3;

    /// <summary>
    /// Whether the BFF may send <paramref name="url"/> in a <c>Location</c> header whatever the
    /// host's <see cref="IReturnUrlValidator"/> says: not empty, at most 2,048 characters, no
    /// whitespace or control characters (which would split the header or be stripped by browsers).
    /// </summary>
    public static bool IsRedirectable(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= MaxLength && !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u200B' or '\uFEFF' or '\u00AD');

    /// <summary>Whether the host's validator accepts <paramref name="values"/>: none, or one value both redirectable and valid.</summary>
    public static async Task<bool> IsAcceptedAsync(Microsoft.Extensions.Primitives.StringValues values, IReturnUrlValidator validator) =>
        values.Count == 0 || (values.Count == 1 && IsRedirectable(values[0]) && await validator.IsValidAsync(values[0]!));

    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength)
        {
            return false;
        }

        // Browsers strip tabs and newlines anywhere in a URL and trim spaces: none in the raw value.
        foreach (var c in url)
        {
            if (char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        var candidate = url;
        for (var round = 0; round <= MaxDecodingRounds; round++)
        {
            if (!IsPlainLocalPath(candidate))
            {
                return false;
            }

            var decoded = Uri.UnescapeDataString(candidate);
            if (decoded == candidate)
            {
                return true;
            }

            candidate = decoded;
        }

        return false; // still changing after several rounds of decoding: refuse rather than guess
    }

    /// <summary>
    /// A local <paramref name="url"/> as it may go in a <c>Location</c> header: characters outside
    /// printable ASCII (a decoded <c>/caf%C3%A9</c>) percent-encoded as UTF-8, which browsers read
    /// as the same path. Kestrel refuses non-ASCII header values, which would otherwise turn the
    /// redirect into a 500 after the session was created or ended.
    /// </summary>
    public static string ForLocation(string url)
    {
        if (!url.Any(c => c > '~'))
        {
            return url;
        }

        var builder = new System.Text.StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value <= '~')
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsPlainLocalPath(string path)
    {
        if (path[0] != '/')
        {
            return false;
        }

        if (path.Length > 1 && (path[1] == '/' || path[1] == '\\'))
        {
            return false;
        }

        foreach (var c in path)
        {
            // Backslashes are read as slashes by browsers; control and invisible characters are
            // stripped by some of them, which can turn "/\t/evil" into "//evil".
            if (c == '\\' || char.IsControl(c) || c is '\u200B' or '\uFEFF' or '\u00AD')
            {
                return false;
            }
        }

        return true;
    }
}
