namespace OpenBff.SessionCache;

/// <summary>
/// An access token of a shared ticket (<see cref="SharedProperties"/>) with what the hot path derives
/// from it, once: <paramref name="HeaderValue"/>, <c>Bearer {token}</c> (null when the token holds a
/// character no header value may: the caller then lets HttpClient validate it), and
/// <paramref name="ExpiresAt"/>, the parsed <c>expires_at</c> (null when absent or unparsable).
/// </summary>
internal sealed record SharedToken(string Item, string AccessToken, string? HeaderValue, DateTimeOffset? ExpiresAt);
