namespace OpenBff.Core;

/// <summary>RFC 8707 §2: a resource indicator is an absolute URI without a fragment.</summary>
internal static class ResourceIndicator
{
    /// <summary>
    /// Whether <paramref name="value"/> is an absolute URI without a fragment. A rooted path is
    /// not one, although .NET on Unix reads <c>/api</c> as the absolute <c>file:///api</c>.
    /// </summary>
    public static bool IsValid(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && !value.StartsWith('/')
        && !value.Any(char.IsWhiteSpace)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && string.IsNullOrEmpty(uri.Fragment)
        && !value.Contains('#', StringComparison.Ordinal);
}
