namespace OpenBff.Tokens;

/// <summary>
/// The outcome of asking for an access token to attach to an outgoing call. <paramref name="HeaderValue"/>:
/// its <c>Authorization</c> header value when already made (a session's cached token); null lets
/// the caller make or look it up.
/// </summary>
internal readonly record struct AccessTokenResult(AccessTokenStatus Status, string? AccessToken = null, DateTimeOffset? ExpiresAt = null, string? HeaderValue = null)
{
    public static AccessTokenResult Ok(string token, DateTimeOffset? expiresAt) => new(AccessTokenStatus.Ok, token, expiresAt);

    public static readonly AccessTokenResult NoSession = new(AccessTokenStatus.NoSession);
    public static readonly AccessTokenResult SessionEnded = new(AccessTokenStatus.SessionEnded);
    public static readonly AccessTokenResult ProviderUnavailable = new(AccessTokenStatus.ProviderUnavailable);
    public static readonly AccessTokenResult ProviderRejected = new(AccessTokenStatus.ProviderRejected);
    public static readonly AccessTokenResult Timeout = new(AccessTokenStatus.Timeout);
}
