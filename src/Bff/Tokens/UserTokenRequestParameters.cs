namespace OpenBff;

/// <summary>
/// What local code asks of <see cref="BffHttpContextExtensions.GetUserAccessTokenAsync"/> and
/// <see cref="BffHttpContextExtensions.GetClientAccessTokenAsync"/>: the token of one API (an
/// RFC 8707 resource and/or scopes), or the session's main token when neither is given.
/// </summary>
public sealed record UserTokenRequestParameters
{
    /// <summary>The API's resource indicator (an absolute URI without a fragment), or null.</summary>
    public string? Resource { get; init; }

    /// <summary>The scopes (space separated), or null.</summary>
    public string? Scope { get; init; }

    /// <summary>
    /// Refresh the token now even if it is not near expiry (user tokens; a client token is fetched
    /// anew). Concurrent forced renewals of one session still cause one grant.
    /// </summary>
    public bool ForceRenewal { get; init; }
}
