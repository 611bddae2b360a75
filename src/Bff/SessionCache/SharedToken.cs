namespace OpenBff.SessionCache;

/// <summary>
/// An access token of a shared ticket (<see cref="SharedProperties"/>), kept once: as its
/// <c>Authorization</c> header value, <c>Bearer {token}</c>, which is what every proxied request
/// sends, with <see cref="ExpiresAt"/>, the parsed <c>expires_at</c> (null when absent or
/// unparsable). The token itself is a slice of the header value, made only when something asks for
/// it (an application's <c>GetUserAccessTokenAsync</c>, a refresh), then kept: a session in use
/// holds one copy of a 1–2 KB token, not two (issue 17, item 2).
/// </summary>
internal sealed class SharedToken
{
    private const int SchemeLength = 7; // "Bearer "
    private string? _accessToken;

    private SharedToken(string item, string? accessToken, string? headerValue, DateTimeOffset? expiresAt)
    {
        Item = item;
        _accessToken = accessToken;
        HeaderValue = headerValue;
        ExpiresAt = expiresAt;
    }

    /// <summary>The properties' item the token is stored under.</summary>
    public string Item { get; }

    /// <summary>
    /// <c>Bearer {token}</c>; null when the token holds a character no header value may (the caller
    /// then lets HttpClient validate it, and it is refused, never sent).
    /// </summary>
    public string? HeaderValue { get; }

    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The token (made from the header value on first use, then kept).</summary>
    public string AccessToken => _accessToken ??= HeaderValue![SchemeLength..];

    /// <summary>Whether the token itself is held now (besides its header value).</summary>
    internal bool HoldsAccessToken => _accessToken is not null;

    public static SharedToken For(string item, string accessToken, DateTimeOffset? expiresAt) =>
        Core.TokenText.BearerHeaderValue(accessToken) is { } header
            ? new SharedToken(item, accessToken: null, header, expiresAt)
            : new SharedToken(item, accessToken, headerValue: null, expiresAt);
}
