namespace OpenBff;

/// <summary>
/// An <see cref="IAccessTokenRetriever"/>'s answer: a token to send as <c>Authorization: Bearer</c>,
/// no token (the request goes without one), or an error, answered as the BFF answers its own:
/// <see cref="ClientCredentialsToken.NoSession"/> and <see cref="ClientCredentialsToken.SessionEnded"/>
/// 401, <see cref="ClientCredentialsToken.Timeout"/> 504, anything else 502. The token is never logged.
/// </summary>
public sealed class AccessTokenRetrievalResult
{
    private AccessTokenRetrievalResult(string? accessToken, string? error)
    {
        AccessToken = accessToken;
        Error = error;
    }

    /// <summary>Send the request without a token.</summary>
    public static AccessTokenRetrievalResult NoToken { get; } = new(null, null);

    /// <summary>The token to send, or null.</summary>
    public string? AccessToken { get; }

    /// <summary>Why the request fails, or null.</summary>
    public string? Error { get; }

    /// <summary>Send <paramref name="accessToken"/>.</summary>
    public static AccessTokenRetrievalResult Success(string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return new AccessTokenRetrievalResult(accessToken, null);
    }

    /// <summary>Fail the request; <paramref name="error"/> is one of <see cref="ClientCredentialsToken"/>'s codes, or your own (502).</summary>
    public static AccessTokenRetrievalResult Failure(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new AccessTokenRetrievalResult(null, error);
    }
}
