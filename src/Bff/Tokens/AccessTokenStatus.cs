namespace OpenBff.Tokens;

/// <summary>Why an access token is or is not available; each maps to one HTTP answer.</summary>
internal enum AccessTokenStatus
{
    /// <summary>A token is available.</summary>
    Ok,

    /// <summary>No user session (401).</summary>
    NoSession,

    /// <summary>The session ended because the provider refused its refresh token (401).</summary>
    SessionEnded,

    /// <summary>The provider could not be reached or failed (502 / 503).</summary>
    ProviderUnavailable,

    /// <summary>The provider refused a client credentials request (502).</summary>
    ProviderRejected,

    /// <summary>The token did not come in time (504).</summary>
    Timeout,
}
