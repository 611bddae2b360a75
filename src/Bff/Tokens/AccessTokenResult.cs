using OpenBff.SessionCache;

namespace OpenBff.Tokens;

/// <summary>
/// The outcome of asking for an access token to attach to an outgoing call: a token string, or a
/// session's cached token (<see cref="SharedToken"/>: its header value made once; the token string
/// itself only made when <see cref="AccessToken"/> is read).
/// </summary>
internal readonly struct AccessTokenResult
{
    private readonly string? _accessToken;
    private readonly SharedToken? _shared;

    public AccessTokenResult(AccessTokenStatus status, string? accessToken = null, DateTimeOffset? expiresAt = null)
    {
        Status = status;
        _accessToken = accessToken;
        ExpiresAt = expiresAt;
    }

    /// <summary>A session's cached token, still valid.</summary>
    public AccessTokenResult(SharedToken shared)
    {
        Status = AccessTokenStatus.Ok;
        _shared = shared;
        ExpiresAt = shared.ExpiresAt;
    }

    public static readonly AccessTokenResult NoSession = new(AccessTokenStatus.NoSession);
    public static readonly AccessTokenResult SessionEnded = new(AccessTokenStatus.SessionEnded);
    public static readonly AccessTokenResult ProviderUnavailable = new(AccessTokenStatus.ProviderUnavailable);
    public static readonly AccessTokenResult ProviderRejected = new(AccessTokenStatus.ProviderRejected);
    public static readonly AccessTokenResult Timeout = new(AccessTokenStatus.Timeout);

    public AccessTokenStatus Status { get; }

    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Whether there is a token to attach.</summary>
    public bool HasToken => _accessToken is not null || _shared is not null;

    /// <summary>The token (for a session's cached token, made from its header value the first time it is read).</summary>
    public string? AccessToken => _accessToken ?? _shared?.AccessToken;

    /// <summary>Its <c>Authorization</c> header value when already made (a session's cached token); null lets the caller make or look it up.</summary>
    public string? HeaderValue => _shared?.HeaderValue;

    /// <summary>The session's cached token this is, if it is one.</summary>
    public SharedToken? Shared => _shared;

    public static AccessTokenResult Ok(string token, DateTimeOffset? expiresAt) => new(AccessTokenStatus.Ok, token, expiresAt);
}
